package dev.ferry.tunnel.aws;

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
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
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

    private final AwsProxyConfig config;
    private final TunnelStats stats = new TunnelStats();
    private final SigV4Verifier verifier;
    private final UpstreamSigner upstreamSigner;
    private final SslContext upstreamTls;
    private final EventLoopGroup group;
    private Channel server;
    private InetSocketAddress bound;

    private AwsProxy(AwsProxyConfig config) throws SSLException {
        this.config = config;
        this.verifier = new SigV4Verifier(config.local(), Clock.systemUTC());
        this.upstreamSigner = new UpstreamSigner(config.upstreamCredentials());
        this.upstreamTls = SslContextBuilder.forClient().build();
        this.group = new NioEventLoopGroup(2);
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
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        stats.connectionOpened();
                        ch.closeFuture().addListener(f -> stats.connectionClosed());
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

    ApiHandler newApiHandler(String connectHost) {
        return new ApiHandler(this, connectHost);
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

    UpstreamSigner upstreamSigner() {
        return upstreamSigner;
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
    static boolean isAwsHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.startsWith("ssmmessages.")) {
            return false;
        }
        return h.endsWith(".amazonaws.com") || h.endsWith(".amazonaws.com.cn") || h.endsWith(".api.aws");
    }

    /** HTTPS_PROXY mode: answers CONNECT, then intercepts (AWS hosts) or relays bytes (the rest). */
    private final class ConnectHandler extends ChannelInboundHandlerAdapter {
        private String host;
        private int port;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest req) {
                    if (!HttpMethod.CONNECT.equals(req.method()) || req.decoderResult().isFailure()) {
                        refuse(ctx, "400 Bad Request", "This is Ferry's AWS API proxy. Use it as HTTPS_PROXY "
                                + "(CONNECT), or start it in endpoint-URL mode for --endpoint-url.");
                        return;
                    }
                    String target = req.uri();
                    int colon = target.lastIndexOf(':');
                    if (colon <= 0 || target.endsWith("]")) {
                        host = target;
                        port = 443;
                    } else {
                        host = target.substring(0, colon);
                        try {
                            port = Integer.parseInt(target.substring(colon + 1));
                        } catch (NumberFormatException e) {
                            refuse(ctx, "400 Bad Request", "Bad CONNECT target " + target);
                            return;
                        }
                    }
                    if (host.startsWith("[") && host.endsWith("]")) {
                        host = host.substring(1, host.length() - 1);
                    }
                }
                if (msg instanceof LastHttpContent && host != null) {
                    if (isAwsHost(host)) {
                        intercept(ctx);
                    } else {
                        passThrough(ctx);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void intercept(ChannelHandlerContext ctx) {
            Channel ch = ctx.channel();
            String authority = port == 443 ? host : host + ":" + port;
            ch.pipeline().remove(this);
            ch.pipeline().remove("http");
            ch.writeAndFlush(established());
            ch.pipeline().addLast(config.ca().serverContext(host).newHandler(ch.alloc()), newServerCodec(),
                    newApiHandler(authority));
        }

        private void passThrough(ChannelHandlerContext ctx) {
            Channel ch = ctx.channel();
            ch.config().setAutoRead(false);
            new Bootstrap().group(ch.eventLoop()).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(host, port).addListener((ChannelFutureListener) f -> {
                        if (!f.isSuccess()) {
                            refuse(ctx, "502 Bad Gateway", "Ferry could not connect to " + host + ":" + port + ": "
                                    + f.cause().getMessage());
                            return;
                        }
                        Channel peer = f.channel();
                        peer.pipeline().addLast(new Relay(ch, false));
                        ch.pipeline().addLast(new Relay(peer, true));
                        ch.pipeline().remove(this);
                        ch.pipeline().remove("http");
                        ch.writeAndFlush(established());
                        ch.config().setAutoRead(true);
                    });
        }

        private io.netty.buffer.ByteBuf established() {
            return Unpooled.copiedBuffer("HTTP/1.1 200 Connection established\r\n\r\n", StandardCharsets.US_ASCII);
        }

        private void refuse(ChannelHandlerContext ctx, String status, String message) {
            stats.error(message);
            byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
            Channel ch = ctx.channel();
            if (ch.pipeline().get("http") != null) {
                ch.pipeline().remove("http");
            }
            ch.writeAndFlush(Unpooled.wrappedBuffer(Unpooled.copiedBuffer("HTTP/1.1 " + status
                            + "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: "
                            + body.length + "\r\n\r\n", StandardCharsets.US_ASCII), Unpooled.wrappedBuffer(body)))
                    .addListener(ChannelFutureListener.CLOSE);
        }
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
