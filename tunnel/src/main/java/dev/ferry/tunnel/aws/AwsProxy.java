package dev.ferry.tunnel.aws;

import dev.ferry.tunnel.HostAndPort;
import dev.ferry.tunnel.ListenerLimits;
import dev.ferry.tunnel.LocalTunnel;
import dev.ferry.tunnel.PortInUseException;
import dev.ferry.tunnel.TunnelStats;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.resolver.DefaultNameResolver;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ferry's local AWS API proxy. Listens on 127.0.0.1 only, either as an HTTP CONNECT
 * proxy (TLS interception for AWS hosts with leaf certificates from the local CA,
 * opaque tunnels for every other host) or as an HTTPS endpoint. Every intercepted
 * request must be SigV4-signed with the tunnel's local credentials; it is then
 * re-signed with the real credentials and streamed to the real endpoint. A request
 * that fails verification gets a 403 and is never forwarded.
 *
 * <pre>
 *   AwsProxy proxy = AwsProxy.start(new AwsProxyConfig(0, ProxyMode.HTTPS_PROXY,
 *       LocalCredentials.random(), roleCredentials, UpstreamResolver.direct(), ca));
 *   // HTTPS_PROXY=proxy.proxyUrl() AWS_CA_BUNDLE=ca.certificatePemPath()
 * </pre>
 */
public final class AwsProxy implements LocalTunnel {

    private static final Logger LOG = LoggerFactory.getLogger(AwsProxy.class);
    static final int MAX_BUFFERED_BODY = 16 * 1024 * 1024;
    /** All request bodies buffered at once (non-S3 calls are buffered to hash them); past it: 503 SlowDown. */
    static final long MAX_BUFFERED_TOTAL = 64L * 1024 * 1024;
    /** A pass-through tunnel with no bytes either way for this long is closed. */
    static final Duration PASS_THROUGH_IDLE = Duration.ofMinutes(10);

    /** Past this many distinct (service, region) scopes, {@link #endpointForScope} stops remembering new ones. */
    static final int MAX_SCOPES_REMEMBERED = 256;

    private final AtomicInteger served = new AtomicInteger();
    /**
     * {@link AwsEndpoint#forScope} by scope: the SDK's region and service metadata lookups behind it
     * compile regular expressions on every call (about a third of the bytes a GetItem allocated).
     */
    private final java.util.concurrent.ConcurrentHashMap<Scope, AwsEndpoint> scopeEndpoints =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong buffered = new AtomicLong();

    private final AwsProxyConfig config;
    private final TunnelStats stats = new TunnelStats();
    private final SigV4Verifier verifier;
    private final SigV2Verifier sigV2;
    private final UpstreamSigner upstreamSigner;
    private final SslContext upstreamTls;
    private final EventLoopGroup group;
    /**
     * Netty's adaptive allocator (the default from Netty 4.2): it hands chunks back once a burst of
     * connections is over, where the pooled allocator keeps its arenas; about 10 MB less RSS after
     * the 600-connection load of bench/limits.sh, at the same request cost (bench/aws-proxy.sh).
     */
    private final ByteBufAllocator allocator = new AdaptiveByteBufAllocator();
    private Channel server;
    private InetSocketAddress bound;

    private AwsProxy(AwsProxyConfig config) throws SSLException {
        this.config = config;
        this.verifier = new SigV4Verifier(config.local(), Clock.systemUTC());
        this.sigV2 = new SigV2Verifier(config.local(), Clock.systemUTC());
        this.upstreamSigner = new UpstreamSigner(config.upstreamCredentials());
        this.upstreamTls = SslContextBuilder.forClient().build();
        this.group = new NioEventLoopGroup(2, new DefaultThreadFactory("ferry-aws-proxy"));
    }

    /** Binds 127.0.0.1:{@code config.port()} and starts serving. */
    public static AwsProxy start(AwsProxyConfig config) throws IOException {
        AwsProxy p = new AwsProxy(config);
        try {
            p.bind();
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    private void bind() throws IOException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, allocator)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        stats.connectionOpened();
                        ch.closeFuture().addListener(f -> stats.connectionClosed());
                        ListenerLimits limits = config.limits();
                        ch.pipeline().addLast(ClientTimeouts.NAME, new ClientTimeouts(limits.headerTimeout(),
                                limits.idleTimeout(), PASS_THROUGH_IDLE));
                        if (served.incrementAndGet() > limits.maxConnections()) {
                            served.decrementAndGet();
                            String m = "Ferry's AWS proxy on port " + bound.getPort() + " already serves "
                                    + limits.maxConnections() + " connections, the most it allows. Retry in a moment, "
                                    + "or use fewer connections at once.";
                            stats.error(m);
                            if (config.mode() == ProxyMode.ENDPOINT_URL) {
                                ch.pipeline().addLast(config.ca().serverContext("localhost").newHandler(ch.alloc()));
                            }
                            ch.pipeline().addLast("http", newServerCodec()).addLast(new OverCapacity(m));
                            return;
                        }
                        ch.closeFuture().addListener(f -> served.decrementAndGet());
                        if (config.mode() == ProxyMode.HTTPS_PROXY) {
                            ch.pipeline().addLast("http", newServerCodec()).addLast(new ConnectHandler());
                        } else {
                            ch.pipeline().addLast(config.ca().serverContext("localhost").newHandler(ch.alloc()),
                                    newServerCodec(), newApiHandler(null));
                        }
                    }
                });
        try {
            server = b.bind(new InetSocketAddress("127.0.0.1", config.port())).sync().channel();
        } catch (Exception e) {
            if (e instanceof BindException) {
                throw new PortInUseException(config.port(), e);
            }
            throw new IOException("Could not start the AWS API proxy on 127.0.0.1:" + config.port() + ": "
                    + e.getMessage(), e);
        }
        bound = (InetSocketAddress) server.localAddress();
        LOG.info("AWS API proxy ({}) listening on {}", config.mode(), bound);
    }

    static HttpServerCodec newServerCodec() {
        return new HttpServerCodec(8192, 65536, 65536);
    }

    ApiHandler newApiHandler(AwsEndpoint connectEndpoint) {
        return new ApiHandler(this, connectEndpoint);
    }

    @Override
    public InetSocketAddress localAddress() {
        return bound;
    }

    @Override
    public TunnelStats stats() {
        return stats;
    }

    public ProxyMode mode() {
        return config.mode();
    }

    /** For HTTPS_PROXY: {@code http://127.0.0.1:PORT}. */
    public String proxyUrl() {
        return "http://127.0.0.1:" + bound.getPort();
    }

    /** For endpoint-URL mode: {@code https://127.0.0.1:PORT}. */
    public String endpointUrl() {
        return "https://127.0.0.1:" + bound.getPort();
    }

    public LocalCredentials localCredentials() {
        return config.local();
    }

    /** The CA bundle clients must trust (AWS_CA_BUNDLE). */
    public Path caBundle() {
        return config.ca().certificatePemPath();
    }

    AwsProxyConfig config() {
        return config;
    }

    SigV4Verifier verifier() {
        return verifier;
    }

    SigV2Verifier sigV2() {
        return sigV2;
    }

    UpstreamSigner upstreamSigner() {
        return upstreamSigner;
    }

    ByteBufAllocator allocator() {
        return allocator;
    }

    SslContext upstreamTls() {
        return upstreamTls;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Hosts whose traffic is intercepted; {@code ssmmessages} (Session Manager websockets) is not. */
    static boolean isIntercepted(AwsEndpoint endpoint) {
        return !endpoint.host().startsWith("ssmmessages.");
    }

    /** Addresses a pass-through tunnel never reaches: this machine and link-local (instance metadata). */
    static boolean isLocal(InetAddress a) {
        return a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isMulticastAddress();
    }

    private record Scope(String service, String region) {
    }

    /** {@link AwsEndpoint#forScope}, remembered per scope (it depends on nothing else). */
    AwsEndpoint endpointForScope(String service, String region) {
        Scope key = new Scope(service, region);
        AwsEndpoint e = scopeEndpoints.get(key);
        if (e == null) {
            e = AwsEndpoint.forScope(service, region); // throws for a malformed or unknown scope: nothing remembered
            if (scopeEndpoints.size() < MAX_SCOPES_REMEMBERED) {
                scopeEndpoints.putIfAbsent(key, e);
            }
        }
        return e;
    }

    /** Reserves room for a buffered request body; false when the proxy holds too much already. */
    boolean reserveBuffered(long bytes) {
        while (true) {
            long now = buffered.get();
            if (now + bytes > MAX_BUFFERED_TOTAL) {
                return false;
            }
            if (buffered.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    void releaseBuffered(long bytes) {
        buffered.addAndGet(-bytes);
    }

    private void fail(Channel ch, String message) {
        stats.error(message);
        refuse(ch, "502 Bad Gateway", message);
    }

    static void refuse(Channel ch, String status, String message) {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        if (ch.pipeline().get("http") != null) {
            ch.pipeline().remove("http");
        }
        ch.writeAndFlush(Unpooled.wrappedBuffer(Unpooled.copiedBuffer("HTTP/1.1 " + status
                        + "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: "
                        + body.length + "\r\n\r\n", StandardCharsets.US_ASCII), Unpooled.wrappedBuffer(body)))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** Past the connection cap: reads the first request head, answers 503 and closes. */
    private final class OverCapacity extends ChannelInboundHandlerAdapter {
        private final String message;

        OverCapacity(String message) {
            this.message = message;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest req) {
                    if (config.mode() == ProxyMode.HTTPS_PROXY) {
                        refuse(ctx.channel(), "503 Service Unavailable", message);
                    } else {
                        String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
                        String host = req.headers().get(HttpHeaderNames.HOST);
                        boolean s3 = req.headers().contains("x-amz-content-sha256") && (type == null || !type.contains("json"));
                        FullHttpResponse r = AwsErrors.response(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE,
                                s3 ? "SlowDown" : "ServiceUnavailable", message, s3, type);
                        HttpUtil.setKeepAlive(r, false);
                        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
                        LOG.debug("over capacity: refused a request for {}", host);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    /** HTTPS_PROXY mode: answers CONNECT, then intercepts (AWS hosts) or relays bytes (the rest). */
    private final class ConnectHandler extends ChannelInboundHandlerAdapter {
        private HostAndPort target;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest req) {
                    if (!HttpMethod.CONNECT.equals(req.method()) || req.decoderResult().isFailure()) {
                        reject(ctx, "400 Bad Request", "This is Ferry's AWS API proxy. Use it as HTTPS_PROXY "
                                + "(CONNECT), or start it in endpoint-URL mode for --endpoint-url.");
                        return;
                    }
                    try {
                        target = HostAndPort.parse(req.uri(), 443);
                    } catch (IllegalArgumentException e) {
                        reject(ctx, "400 Bad Request", "Ferry refused the CONNECT target '" + printable(req.uri())
                                + "': " + e.getMessage() + ". Only host:port is accepted, with a host name of "
                                + "letters, digits, hyphens and dots, or an IP address.");
                        return;
                    }
                }
                if (msg instanceof LastHttpContent && target != null) {
                    route(ctx);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void reject(ChannelHandlerContext ctx, String status, String message) {
            target = null;
            stats.requestRejected(message);
            refuse(ctx.channel(), status, message);
        }

        private void route(ChannelHandlerContext ctx) {
            AwsEndpoint aws = AwsEndpoint.of(target).filter(AwsProxy::isIntercepted).orElse(null);
            if (aws != null) {
                if (target.port() != 443) {
                    reject(ctx, "400 Bad Request", "AWS API endpoints listen on port 443, not " + target.port()
                            + " (" + target + ").");
                    return;
                }
                intercept(ctx, aws);
            } else if (!config.passThroughPorts().contains(target.port())) {
                reject(ctx, "403 Forbidden", "Ferry's AWS proxy only relays to port " + ports() + " of hosts that "
                        + "are not AWS, not to " + target + ". Set NO_PROXY for that host, or allow the port "
                        + "(FERRY_PROXY_PASS_THROUGH_PORTS).");
            } else {
                passThrough(ctx);
            }
        }

        private String ports() {
            return config.passThroughPorts().stream().sorted().map(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(", "));
        }

        private void intercept(ChannelHandlerContext ctx, AwsEndpoint aws) {
            Channel ch = ctx.channel();
            SslContext leaf;
            try {
                leaf = config.ca().serverContext(aws.host());
            } catch (RuntimeException e) {
                String m = "Ferry could not make a TLS certificate for " + aws.host() + ": " + e.getMessage();
                LOG.warn(m, e);
                stats.error(m);
                fail(ch, m);
                return;
            }
            ch.pipeline().remove(this);
            ch.pipeline().remove("http");
            ch.writeAndFlush(established());
            ch.pipeline().addLast(leaf.newHandler(ch.alloc()), newServerCodec(), newApiHandler(aws));
            ((ClientTimeouts) ch.pipeline().get(ClientTimeouts.NAME)).expectHead();
            ch.config().setAutoRead(true);
        }

        private void passThrough(ChannelHandlerContext ctx) {
            Channel ch = ctx.channel();
            ch.config().setAutoRead(false);
            if (target.isIpLiteral()) {
                connect(ctx, NetUtil.createInetAddressFromIpAddressString(target.host()));
                return;
            }
            new DefaultNameResolver(ch.eventLoop()).resolve(target.host()).addListener(f -> {
                if (!f.isSuccess()) {
                    fail(ch, "Ferry could not find " + target.host() + ": " + f.cause().getMessage());
                    return;
                }
                connect(ctx, (InetAddress) f.getNow());
            });
        }

        private void connect(ChannelHandlerContext ctx, InetAddress address) {
            Channel ch = ctx.channel();
            if (isLocal(address)) {
                reject(ctx, "403 Forbidden", "Ferry's AWS proxy does not relay to " + target + " ("
                        + address.getHostAddress() + " is an address of this machine or its link). Set NO_PROXY for "
                        + "that host.");
                return;
            }
            new Bootstrap().group(ch.eventLoop()).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.ALLOCATOR, allocator)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(new InetSocketAddress(address, target.port())).addListener((ChannelFutureListener) f -> {
                        if (!f.isSuccess()) {
                            fail(ch, "Ferry could not connect to " + target + ": " + f.cause().getMessage());
                            return;
                        }
                        Channel peer = f.channel();
                        if (!ch.isActive()) {
                            peer.close();
                            return;
                        }
                        ch.closeFuture().addListener(c -> peer.close());
                        peer.pipeline().addLast(new Relay(ch, false));
                        ch.pipeline().addLast(new Relay(peer, true));
                        ch.pipeline().remove(this);
                        ch.pipeline().remove("http");
                        ch.writeAndFlush(established());
                        ((ClientTimeouts) ch.pipeline().get(ClientTimeouts.NAME)).relay();
                        ch.config().setAutoRead(true);
                    });
        }

        private io.netty.buffer.ByteBuf established() {
            return Unpooled.copiedBuffer("HTTP/1.1 200 Connection established\r\n\r\n", StandardCharsets.US_ASCII);
        }
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
            if (b.length() > 100) {
                return b.append("...").toString();
            }
        }
        return b.toString();
    }

    /** Copies bytes one way for a pass-through CONNECT tunnel, with back-pressure. */
    private final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel peer;
        private final boolean fromClient;

        Relay(Channel peer, boolean fromClient) {
            this.peer = peer;
            this.fromClient = fromClient;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof io.netty.buffer.ByteBuf b) {
                if (fromClient) {
                    stats.addBytesFromClient(b.readableBytes());
                } else {
                    stats.addBytesToClient(b.readableBytes());
                }
            }
            peer.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            peer.flush();
            if (!peer.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                peer.config().setAutoRead(true);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
