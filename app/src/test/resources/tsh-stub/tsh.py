# A stand-in for Teleport's tsh, for Ferry's tests. It reproduces tsh's documented outputs:
# `--format=json` shapes (tsh status profileInfo, AppV3/DatabaseV3 lists with users.allowed),
# the "Available AWS roles" table of `tsh apps login`, prompts of `tsh login`, and errors
# printed as "\x1b[31mERROR: \x1b[0m<message>" on stderr with exit status 1.
# Driven by a JSON state file named by $TSH_STUB_STATE; the session lives in $TELEPORT_HOME.
# Every call is appended to $TSH_STUB_LOG (argv and TELEPORT_HOME) when set.
# `proxy db --tunnel` really listens on 127.0.0.1:PORT and relays bytes to the address in
# state["db_upstreams"][DB] (a real PostgreSQL in tests; read per connection); for PostgreSQL it
# answers SSLRequest with 'N' itself and, when that address refuses, answers the StartupMessage
# with an ErrorResponse as Teleport's database service does (MySQL: a greeting of its own, then
# an ERR packet, as Teleport's MySQL proxy does); `proxy aws` prints tsh's text format
# and listens. Test switches: state["proxy_pid_file"] (each proxy appends its pid),
# state["proxy_die_after_seconds"] with state["proxy_die_times"] (that many proxy runs exit with
# an error after N seconds; counted in <state file>.deaths), and SIGTERM (exit like tsh).
import asyncio
import datetime
import http.server
import json
import os
import shutil
import signal
import struct
import sys
import uuid

RED_ERROR = "\x1b[31mERROR: \x1b[0m"


def fail(message):
    sys.stderr.write(RED_ERROR + message + "\n\n")
    sys.stderr.flush()
    sys.exit(1)


def load_state():
    with open(os.environ["TSH_STUB_STATE"]) as f:
        return json.load(f)


def home():
    return os.environ.get("TELEPORT_HOME") or os.path.expanduser("~/.tsh")


def flag(args, name):
    for a in args:
        if a.startswith("--" + name + "="):
            return a.split("=", 1)[1]
    return None


def positional(args):
    return [a for a in args if not a.startswith("--")]


def proxy_host(state):
    return state["proxy"].rsplit(":", 1)[0]


def session_file():
    return os.path.join(home(), "stub-session.json")


def read_session():
    try:
        with open(session_file()) as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def rfc3339(t):
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def profile_info(state, session):
    return {
        "profile_url": "https://" + state["proxy"],
        "username": session["username"],
        "cluster": state["cluster"],
        "roles": state.get("roles", []),
        "traits": {"logins": state.get("logins", [])},
        "logins": state.get("logins", []),
        "kubernetes_enabled": False,
        "valid_until": session["valid_until"],
        "extensions": ["permit-agent-forwarding", "permit-port-forwarding", "permit-pty"],
    }


def require_session(state):
    session = read_session()
    if session is None:
        fail("Not logged in.")
    valid = datetime.datetime.fromisoformat(session["valid_until"].replace("Z", "+00:00"))
    if valid <= datetime.datetime.now(datetime.timezone.utc):
        # tsh's client tries a re-login here; Ferry never lets it get that far.
        fail("Active profile expired.")
    return session


def cmd_version(state, args):
    v = state.get("version", "16.4.0")
    if flag(args, "format") == "json":
        print(json.dumps({"version": v, "gitref": "v" + v, "runtime": "go1.22.8"}, indent=2))
    else:
        print("Teleport v%s git:v%s go1.22.8" % (v, v))


def cmd_status(state, args):
    session = read_session()
    if session is None:
        fail("Not logged in.")
    info = profile_info(state, session)
    print(json.dumps({"active": info, "profiles": []}, indent=2))
    valid = datetime.datetime.fromisoformat(session["valid_until"].replace("Z", "+00:00"))
    if valid <= datetime.datetime.now(datetime.timezone.utc):
        fail("Active profile expired.")


def print_status_text(state, session):
    print("> Profile URL:        https://%s" % state["proxy"])
    print("  Logged in as:       %s" % session["username"])
    print("  Cluster:            %s" % state["cluster"])
    print("  Roles:              %s" % ", ".join(sorted(state.get("roles", []))))
    print("  Logins:             %s" % ", ".join(state.get("logins", [])))
    print("  Kubernetes:         disabled")
    print("  Valid until:        %s [valid for 12h0m]" % session["valid_until"])
    print("  Extensions:         permit-agent-forwarding, permit-port-forwarding, permit-pty")
    print()


def write_profile(state, username):
    h = home()
    host = proxy_host(state)
    keys = os.path.join(h, "keys", host)
    os.makedirs(keys, exist_ok=True)
    if state.get("cert_pem"):
        shutil.copyfile(state["cert_pem"], os.path.join(keys, username + "-x509.pem"))
    with open(os.path.join(h, host + ".yaml"), "w") as f:
        f.write("web_proxy_addr: %s\nuser: %s\nsite_name: %s\n" % (state["proxy"], username, state["cluster"]))
    with open(os.path.join(h, "current-profile"), "w") as f:
        f.write(host)
    hours = state.get("valid_hours", 12)
    valid = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=hours)
    session = {"username": username, "valid_until": rfc3339(valid)}
    with open(session_file(), "w") as f:
        json.dump(session, f)
    return session


def read_answer():
    line = sys.stdin.readline()
    if not line:
        fail("context canceled")
    return line.rstrip("\n")


def cmd_login(state, args):
    proxy = flag(args, "proxy")
    if proxy != state["proxy"]:
        fail("Teleport proxy not available at proxy address %s" % proxy)
    auth = flag(args, "auth") or state.get("auth", "local")
    if auth == "local":
        user = flag(args, "user") or os.environ.get("USER", "alice")
        account = state.get("local_users", {}).get(user)
        sys.stderr.write("Enter password for Teleport user %s:\n" % user)
        sys.stderr.flush()
        password = read_answer()
        if account is None or password != account["password"]:
            fail("invalid credentials")
        if account.get("otp"):
            sys.stderr.write("Enter an OTP code from a device:\n")
            sys.stderr.flush()
            if read_answer() != account["otp"]:
                fail("invalid credentials")
        username = user
    else:
        # SSO: tsh listens on loopback for the identity provider's redirect.
        token = str(uuid.uuid4())
        done = {}

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/" + token:
                    done["ok"] = True
                    body = b"Login successful. You can close this window."
                    self.send_response(200)
                else:
                    body = b"not found"
                    self.send_response(404)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        port = server.server_address[1]
        sys.stderr.write("If browser window does not open automatically, open it by clicking on the link:\n"
                         " http://127.0.0.1:%d/%s\n" % (port, token))
        sys.stderr.flush()
        server.timeout = 120
        while not done.get("ok"):
            server.handle_request()
        server.server_close()
        username = state["sso_user"]
    session = write_profile(state, username)
    print_status_text(state, session)


def cmd_logout(state, args):
    h = home()
    if read_session() is None:
        fail("Not logged in.")
    os.remove(session_file())
    shutil.rmtree(os.path.join(h, "keys"), ignore_errors=True)
    for name in os.listdir(h):
        if name.endswith(".yaml") or name == "current-profile":
            os.remove(os.path.join(h, name))
    print("Logged out all users from all proxies.")


def cmd_apps(state, args):
    sub = positional(args)
    if not sub:
        fail("expected command")
    require_session(state)
    if sub[0] == "ls":
        print(json.dumps(state.get("apps", []), indent=2))
        return
    if sub[0] == "login":
        name = sub[1]
        app = next((a for a in state.get("apps", []) if a["metadata"]["name"] == name), None)
        if app is None:
            fail('app "%s" not found' % name)
        account = app["metadata"].get("labels", {}).get("aws_account_id", "")
        roles = [r for r in state.get("aws_role_arns", [])
                 if account == "" or r.split(":")[4] == account]
        wanted = flag(args, "aws-role")
        if wanted is None and len(roles) == 1:
            print("Logged into AWS app %s." % name)
            return
        if wanted is None:
            rows = sorted((r.split("/")[-1], r) for r in roles)
            w1 = max([len("Role Name")] + [len(a) for a, _ in rows])
            w2 = max([len("Role ARN")] + [len(b) for _, b in rows])
            print("Available AWS roles:")
            print("%s %s " % ("Role Name".ljust(w1), "Role ARN".ljust(w2)))
            print("%s %s " % ("-" * w1, "-" * w2))
            for a, b in rows:
                print("%s %s " % (a.ljust(w1), b.ljust(w2)))
            print()
            fail("--aws-role flag is required")
        if wanted.startswith("arn:"):
            matched = [r for r in roles if r == wanted]
        else:
            matched = [r for r in roles if r.split("/")[-1] == wanted]
        if len(matched) != 1:
            fail('failed to find the "%s" role %s' % (wanted, "ARN" if wanted.startswith("arn:") else "name"))
        session = read_session()
        session.setdefault("app_logins", {})[name] = matched[0]
        with open(session_file(), "w") as f:
            json.dump(session, f)
        print("Logged into AWS app %s." % name)
        return
    fail("unknown command apps %s" % sub[0])


def cmd_db(state, args):
    sub = positional(args)
    require_session(state)
    if sub and sub[0] == "ls":
        print(json.dumps(state.get("databases", []), indent=2))
        return
    fail("unknown command db %s" % (sub[0] if sub else ""))


def die(message):
    sys.stderr.write(RED_ERROR + message + "\n\n")
    sys.stderr.flush()
    os._exit(1)


def proxy_started():
    """Applies the test switches: record the pid, maybe die later, exit like tsh on SIGTERM."""
    state = load_state()
    pid_file = state.get("proxy_pid_file")
    if pid_file:
        with open(pid_file, "a") as f:
            f.write("%d\n" % os.getpid())
    die_after = state.get("proxy_die_after_seconds")
    if die_after is not None:
        counter = os.environ["TSH_STUB_STATE"] + ".deaths"
        deaths = int(open(counter).read()) if os.path.exists(counter) else 0
        if deaths < state.get("proxy_die_times", 1):
            with open(counter, "w") as f:
                f.write(str(deaths + 1))
            loop = asyncio.get_running_loop()
            loop.call_later(die_after, die, "connection to the proxy was lost: EOF")
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, lambda: os._exit(0))


SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104


async def pg_startup(reader, writer):
    """Like Teleport's proxy: answers SSLRequest/GSSENCRequest with 'N' (the local tunnel is
    plain TCP) and returns the client's StartupMessage, or None when the client goes away."""
    while True:
        try:
            head = await reader.readexactly(8)
        except (asyncio.IncompleteReadError, OSError):
            return None
        length, code = struct.unpack("!ii", head)
        rest = await reader.readexactly(length - 8) if length > 8 else b""
        if code in (SSL_REQUEST, GSSENC_REQUEST):
            writer.write(b"N")
            await writer.drain()
            continue
        return head + rest


def pg_error(message):
    """An ErrorResponse as Teleport's database service sends a non-PostgreSQL error: only 'M'."""
    body = b"M" + message.encode() + b"\0\0"
    return b"E" + struct.pack("!i", 4 + len(body)) + body


def mysql_packet(seq, payload):
    return struct.pack("<I", len(payload))[:3] + bytes([seq]) + payload


async def mysql_refuse(reader, writer, message):
    """Like Teleport's MySQL proxy, which greets the client itself (protocol 10, no TLS on the local
    tunnel) and, once the client answered, sends the database service's error as ER_UNKNOWN_ERROR."""
    caps = 1 | 2 | 4 | 8 | 512 | 8192 | 32768 | (1 << 19)
    greeting = (b"\x0a" + b"8.0.36-Teleport\0" + struct.pack("<I", 1) + b"abcdefgh" + b"\0"
                + struct.pack("<H", caps & 0xffff) + bytes([33]) + struct.pack("<H", 2)
                + struct.pack("<H", caps >> 16) + bytes([21]) + b"\0" * 10 + b"ijklmnopqrst\0"
                + b"mysql_native_password\0")
    writer.write(mysql_packet(0, greeting))
    await writer.drain()
    try:
        head = await reader.readexactly(4)
        await reader.readexactly(int.from_bytes(head[:3], "little"))
    except (asyncio.IncompleteReadError, OSError):
        return
    err = b"\xff" + struct.pack("<H", 1105) + b"#HY000" + message.encode()
    writer.write(mysql_packet(head[3] + 1, err))
    await writer.drain()


async def relay(reader, writer, name, protocol, db_user, db_name):
    # The upstream is read per connection, so a test can take the database away and bring it back.
    upstream = load_state().get("db_upstreams", {}).get(name, "")
    host, port = upstream.rsplit(":", 1)
    startup = b""
    if protocol == "postgres":
        startup = await pg_startup(reader, writer)
        if startup is None:
            writer.close()
            return
    try:
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
    except OSError as e:
        sys.stderr.write("failed to connect to the database: %s\n" % e)
        sys.stderr.flush()
        if protocol == "postgres":
            # What the database service answers when it cannot dial the database (pgconn's error text).
            writer.write(pg_error("failed to connect to `host=%s user=%s database=%s`: dial error (dial tcp %s: "
                                  "connect: connection refused)" % (host, db_user, db_name, upstream)))
            await writer.drain()
        elif protocol == "mysql":
            await mysql_refuse(reader, writer, "failed to connect to the database: dial tcp %s: connect: "
                                               "connection refused" % upstream)
        writer.close()
        return
    if startup:
        up_writer.write(startup)

    async def pipe(src, dst):
        try:
            while True:
                data = await src.read(65536)
                if not data:
                    break
                dst.write(data)
                await dst.drain()
        except OSError:
            pass
        finally:
            try:
                dst.close()
            except OSError:
                pass

    await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


async def serve_forever(port, handler, ready_text):
    try:
        server = await asyncio.start_server(handler, "127.0.0.1", port)
    except OSError as e:
        fail("listen tcp 127.0.0.1:%d: bind: %s" % (port, e.strerror.lower() if e.strerror else e))
    proxy_started()
    sys.stdout.write(ready_text)
    sys.stdout.flush()
    async with server:
        await server.serve_forever()


def cmd_proxy(state, args):
    sub = positional(args)
    if not sub:
        fail("expected command")
    session = require_session(state)
    port = int(flag(args, "port") or 0)
    if sub[0] == "db":
        if "--tunnel" not in args:
            fail("the stand-in supports only --tunnel")
        name = sub[1] if len(sub) > 1 else ""
        db = next((d for d in state.get("databases", []) if d["metadata"]["name"] == name), None)
        if db is None:
            fail('database "%s" not found, use \'tsh db ls\' to see registered databases' % name)
        if not flag(args, "db-user"):
            fail("please provide the database user name using the --db-user flag")
        upstream = state.get("db_upstreams", {}).get(name)
        if not upstream:
            fail("database %s is not reachable in the stand-in (no db_upstreams entry)" % name)
        protocol = {"postgres": "PostgreSQL", "mysql": "MySQL"}.get(db["spec"]["protocol"], db["spec"]["protocol"])
        text = ('Started authenticated tunnel for the %s database "%s" in cluster "%s" on 127.0.0.1:%d.\n'
                % (protocol, name, state["cluster"], port))
        if not flag(args, "port"):
            text += "To avoid port randomization, you can choose the listening port using the --port flag.\n"
        text += ("\nUse the following command to connect to the database or to the address above using other "
                 "database GUI/CLI clients:\n  $ psql postgres://%s@localhost:%d/%s\n"
                 % (flag(args, "db-user"), port, flag(args, "db-name") or ""))
        protocol_name = db["spec"]["protocol"]
        asyncio.run(serve_forever(port, lambda r, w: relay(r, w, name, protocol_name, flag(args, "db-user"),
                                                            flag(args, "db-name") or ""), text))
        return
    if sub[0] == "aws":
        app = flag(args, "app")
        role = session.get("app_logins", {}).get(app)
        if role is None:
            fail("please login into the application first: 'tsh apps login %s'" % app)
        fmt = flag(args, "format") or "unix"
        key = os.environ.get("AWS_ACCESS_KEY_ID") or str(uuid.uuid4())
        secret = os.environ.get("AWS_SECRET_ACCESS_KEY") or str(uuid.uuid4())
        ca_dir = os.path.join(home(), "keys", proxy_host(state), session["username"] + "-app", state["cluster"])
        os.makedirs(ca_dir, exist_ok=True)
        ca = os.path.join(ca_dir, app + "-localca.pem")
        with open(ca, "w") as f:
            f.write("-----BEGIN CERTIFICATE-----\nstand-in\n-----END CERTIFICATE-----\n")

        def env(k, v):
            return ("%s=%s" if fmt == "text" else 'export %s="%s"') % (k, v)

        if "--endpoint-url" in args:
            text = "Started AWS proxy which serves as an AWS endpoint URL at https://127.0.0.1:%d.\n" % port
            if not flag(args, "port"):
                text += "To avoid port randomization, you can choose the listening port using the --port flag.\n"
            text += "\nIn addition to the endpoint URL, use the following credentials to connect to the proxy:\n"
            names = [("AWS_ACCESS_KEY_ID", key), ("AWS_SECRET_ACCESS_KEY", secret), ("AWS_CA_BUNDLE", ca)]
        else:
            text = "Started AWS proxy on http://127.0.0.1:%d.\n" % port
            if not flag(args, "port"):
                text += "To avoid port randomization, you can choose the listening port using the --port flag.\n"
            text += "\nUse the following credentials and HTTPS proxy setting to connect to the proxy:\n"
            names = [("AWS_ACCESS_KEY_ID", key), ("AWS_SECRET_ACCESS_KEY", secret), ("AWS_CA_BUNDLE", ca),
                     ("HTTPS_PROXY", "http://127.0.0.1:%d" % port)]
        text += "".join("  %s\n" % env(k, v) for k, v in names)

        async def answer(reader, writer):
            writer.close()

        asyncio.run(serve_forever(port, answer, text))
        return
    fail("unknown command proxy %s" % sub[0])


def main():
    log = os.environ.get("TSH_STUB_LOG")
    if log:
        with open(log, "a") as f:
            f.write(json.dumps({"argv": sys.argv[1:], "TELEPORT_HOME": os.environ.get("TELEPORT_HOME")}) + "\n")
    state = load_state()
    args = sys.argv[1:]
    if not args:
        fail("expected command")
    commands = {"version": cmd_version, "status": cmd_status, "login": cmd_login, "logout": cmd_logout,
                "apps": cmd_apps, "db": cmd_db, "proxy": cmd_proxy}
    if args[0] not in commands:
        fail('unknown command "%s"' % args[0])
    commands[args[0]](state, args[1:])


main()
