"""moto_server's WSGI app behind an HTTP/1.1 keep-alive werkzeug server, for the benchmarks.

moto_server serves with werkzeug's development server, whose WSGIRequestHandler.run_wsgi
sends "Connection: close" on every response (werkzeug 3 does so even with protocol_version
HTTP/1.1, and then drains the socket for 10 ms), so every peer in front of it (stunnel, Ferry,
mitmproxy) pays a new connection, and through stunnel a full TLS handshake, per request. This
launcher serves the same app (moto.server's DomainDispatcherApplication over
create_backend_app, as moto 5 builds it) through werkzeug's run_simple(threaded=True) with a
handler whose run_wsgi keeps HTTP/1.1 connections alive: it reads the whole request body
(Content-Length or chunked) before calling the app, so the next request on the connection is
parsed from the right place, frames every response (Content-Length, or the body is joined and
measured; the body is held whole, fine for the benchmarks' sizes), writes head and body in one send, and sets TCP_NODELAY on each
accepted socket.

Usage: python3 bench/moto_keepalive.py -H 127.0.0.1 -p PORT   (the arguments of moto_server)
"""
import argparse
import io
import os
import signal
import socket
import sys

from werkzeug.serving import WSGIRequestHandler, run_simple

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app


class KeepAliveHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_request(self, *args, **kwargs):
        pass  # one line per request on stderr costs the server time the peers would pay for

    def run_wsgi(self):
        if self.headers.get("Expect", "").strip().lower() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        environ = self.make_environ()
        if environ.get("wsgi.input_terminated"):  # chunked: werkzeug's DechunkedInput
            body = environ["wsgi.input"].read()
        else:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = self.rfile.read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)
        environ["wsgi.input_terminated"] = False
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        started = []

        def start_response(status, headers, exc_info=None):
            started[:] = [status, headers]
            return lambda data: pieces.append(data)

        pieces = []
        try:
            result = self.server.app(environ, start_response)
            try:
                pieces.extend(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        except Exception:
            self.close_connection = True
            self.send_error(500)
            return
        status, headers = started
        code = int(status.split(None, 1)[0])
        body = b"".join(pieces)
        no_body = environ["REQUEST_METHOD"] == "HEAD" or 100 <= code < 200 or code in (204, 304)
        head = ["HTTP/1.1 " + status]
        for key, value in headers:
            if key.lower() not in ("connection", "keep-alive", "transfer-encoding"):
                head.append(key + ": " + value)
        if not self._has_length(headers) and not no_body:
            head.append("Content-Length: " + str(len(body)))
        if self.close_connection:
            head.append("Connection: close")
        out = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(out if no_body else out + body)

    @staticmethod
    def _has_length(headers):
        return any(k.lower() == "content-length" for k, _ in headers)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    args = parser.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(args.host, args.port, app, threaded=True, request_handler=KeepAliveHandler)


if __name__ == "__main__":
    main()
