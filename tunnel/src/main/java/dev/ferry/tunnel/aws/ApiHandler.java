package dev.ferry.tunnel.aws;

import dev.ferry.tunnel.TunnelStats;
import dev.ferry.tunnel.aws.SigV4Exception.Reason;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Serves the AWS API requests of one client connection (after TLS): verifies each
 * request's SigV4 signature with the local credentials, re-signs it and streams it to
 * the upstream endpoint, then streams the response back. One upstream connection per
 * client connection, reused while both sides keep it alive.
 *
 * <p>Bodies: non-S3 requests (small API calls) are buffered up to 16 MiB because their
 * hash is needed both to verify and to re-sign. S3 bodies are streamed; their check
 * (hex SHA-256, aws-chunked signatures, trailing checksum) runs as the bytes pass and
 * the last piece is held back until it succeeds, so a tampered body never completes
 * upstream: the upstream connection is reset instead.
 */
final class ApiHandler extends ChannelInboundHandlerAdapter {

    private enum State { IDLE, BUFFERING, STREAMING, DISCARDING }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ApiHandler.class);

    private static final Set<String> NOT_FORWARDED = Set.of("host", "authorization", "x-amz-date",
            "x-amz-security-token", "x-amz-content-sha256", "connection", "keep-alive", "proxy-connection",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "expect", "content-length");
    private static final Set<String> AWS_CHUNKED_ONLY = Set.of("x-amz-decoded-content-length", "x-amz-trailer",
            "x-amz-sdk-checksum-algorithm");
    private static final Pattern VIRTUAL_BUCKET = Pattern.compile("^(.+?)\\.s3(?:[.-][a-z0-9-]+)*\\.amazonaws\\.com(?:\\.cn)?$");

    private final AwsProxy proxy;
    private final TunnelStats stats;
    /** The CONNECT authority (HTTPS_PROXY mode) or null (endpoint-URL mode). */
    private final String connectAuthority;

    private ChannelHandlerContext ctx;
    private State state = State.IDLE;
    // current exchange
    private SigV4Verifier.Request view;
    private SigV4Verifier.Auth auth;
    private HttpRequest request;
    private boolean keepAlive;
    private boolean requestDone;
    private boolean responseStarted;
    private boolean responseDone;
    private CompositeByteBuf buffer;
    private BodyCheck check;
    private ByteBuf held;
    private final List<ByteBuf> scratch = new ArrayList<>();
    // upstream
    private Channel upstream;
    private ChannelFuture upstreamReady;
    private String upstreamKey;
    private boolean upstreamReusable;
    private boolean pendingUpstreamFlush;

    ApiHandler(AwsProxy proxy, String connectAuthority) {
        this.proxy = proxy;
        this.stats = proxy.stats();
        this.connectAuthority = connectAuthority;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest r) {
                startRequest(r);
            }
            if (msg instanceof HttpContent c) {
                onContent(c);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (pendingUpstreamFlush && upstream != null && upstreamReady.isSuccess()) {
            pendingUpstreamFlush = false;
            upstream.flush();
            if (!upstream.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }
        ctx.flush();
    }

    // ---- request head ----------------------------------------------------------------------

    private void startRequest(HttpRequest r) {
        request = r;
        requestDone = false;
        responseStarted = false;
        responseDone = false;
        keepAlive = HttpUtil.isKeepAlive(r);
        auth = null;
        if (r.decoderResult().isFailure()) {
            keepAlive = false;
            rejectPlain(HttpResponseStatus.BAD_REQUEST, "The request could not be parsed as HTTP/1.1.");
            return;
        }
        view = toView(r);
        try {
            auth = proxy.verifier().authenticate(view);
        } catch (SigV4Exception e) {
            reject(e);
            return;
        }
        String claimed = view.header("x-amz-content-sha256");
        if (auth.isS3()) {
            startStreaming(claimed);
        } else {
            long length = HttpUtil.getContentLength(r, -1L);
            if (length > AwsProxy.MAX_BUFFERED_BODY) {
                rejectTooLarge();
                return;
            }
            continueIfExpected();
            buffer = ctx.alloc().compositeBuffer(64);
            state = State.BUFFERING;
        }
    }

    private void startStreaming(String claimed) {
        String payloadHash = claimed != null ? claimed
                : auth.presigned() ? SigV4Verifier.UNSIGNED_PAYLOAD : null;
        if (payloadHash == null) {
            reject(new SigV4Exception(Reason.MALFORMED, "S3 requests must carry x-amz-content-sha256."));
            return;
        }
        try {
            proxy.verifier().verifySignature(view, auth, payloadHash);
        } catch (SigV4Exception e) {
            reject(e);
            return;
        }
        boolean chunked = false;
        long length = HttpUtil.getContentLength(request, -1L);
        LOG.debug("{} {} s3 payload {}", request.method(), view.rawPath(),
                payloadHash.length() == 64 ? "sha256-hex" : payloadHash);
        switch (payloadHash) {
            case SigV4Verifier.UNSIGNED_PAYLOAD -> check = BodyCheck.passThrough();
            case SigV4Verifier.STREAMING_SIGNED, SigV4Verifier.STREAMING_SIGNED_TRAILER,
                    SigV4Verifier.STREAMING_UNSIGNED_TRAILER -> {
                long decoded = parseLong(view.header("x-amz-decoded-content-length"));
                if (decoded < 0) {
                    reject(new SigV4Exception(Reason.MALFORMED,
                            "aws-chunked uploads must carry x-amz-decoded-content-length."));
                    return;
                }
                SigV4Verifier.ChunkVerifier chunks = payloadHash.equals(SigV4Verifier.STREAMING_UNSIGNED_TRAILER)
                        ? null : proxy.verifier().chunkVerifier(auth);
                check = new BodyCheck.AwsChunked(chunks, decoded, view.header("x-amz-trailer"));
                chunked = true;
                length = decoded;
            }
            default -> {
                if (!payloadHash.matches("[0-9a-fA-F]{64}")) {
                    reject(new SigV4Exception(Reason.UNSUPPORTED, "The payload type " + payloadHash
                            + " is not supported by Ferry's AWS proxy."));
                    return;
                }
                check = BodyCheck.sha256(payloadHash);
            }
        }
        HttpRequest head;
        try {
            head = upstreamHead(null, chunked, length);
        } catch (RuntimeException e) {
            failUpstream("Could not prepare the request for AWS: " + e.getMessage());
            return;
        }
        continueIfExpected();
        state = State.STREAMING;
        sendUpstream(head);
    }

    private void continueIfExpected() {
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
    }

    // ---- request body ----------------------------------------------------------------------

    private void onContent(HttpContent c) {
        ByteBuf data = c.content();
        stats.addBytesFromClient(data.readableBytes());
        boolean last = c instanceof LastHttpContent;
        switch (state) {
            case BUFFERING -> {
                if (buffer.readableBytes() + data.readableBytes() > AwsProxy.MAX_BUFFERED_BODY) {
                    buffer.release();
                    buffer = null;
                    rejectTooLarge();
                } else if (data.isReadable()) {
                    buffer.addComponent(true, data.retain());
                }
                if (last && state == State.BUFFERING) {
                    requestDone = true;
                    finishBuffered();
                }
            }
            case STREAMING -> {
                try {
                    check.accept(data, scratch);
                    for (ByteBuf piece : scratch) {
                        if (held != null) {
                            sendUpstream(new DefaultHttpContent(held));
                        }
                        held = piece;
                    }
                    scratch.clear();
                    if (last) {
                        check.finish();
                        requestDone = true;
                        sendUpstream(held == null ? LastHttpContent.EMPTY_LAST_CONTENT : new DefaultLastHttpContent(held));
                        held = null;
                        awaitResponse();
                    }
                } catch (SigV4Exception e) {
                    scratch.forEach(ByteBuf::release);
                    scratch.clear();
                    requestDone = last;
                    reject(e);
                }
            }
            case DISCARDING -> {
                if (last) {
                    requestDone = true;
                    afterDiscard();
                }
            }
            default -> { }
        }
    }

    private void finishBuffered() {
        byte[] body = ByteBufUtil.getBytes(buffer);
        buffer.release();
        buffer = null;
        String hash = SigV4Verifier.hex(SigV4Verifier.sha256(body));
        String claimed = view.header("x-amz-content-sha256");
        try {
            if (claimed != null && !claimed.equals(SigV4Verifier.UNSIGNED_PAYLOAD) && !claimed.equalsIgnoreCase(hash)) {
                throw new SigV4Exception(Reason.BAD_DIGEST, "The body does not match its signed x-amz-content-sha256.");
            }
            proxy.verifier().verifySignature(view, auth, claimed != null ? claimed : hash);
        } catch (SigV4Exception e) {
            reject(e);
            return;
        }
        HttpRequest head;
        try {
            head = upstreamHead(body, false, body.length);
        } catch (RuntimeException e) {
            failUpstream("Could not prepare the request for AWS: " + e.getMessage());
            return;
        }
        state = State.STREAMING;
        DefaultFullHttpRequest full = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, head.method(), head.uri(),
                io.netty.buffer.Unpooled.wrappedBuffer(body), head.headers(), io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
        sendUpstream(full);
        awaitResponse();
    }

    private void awaitResponse() {
        if (!responseDone) {
            ctx.channel().config().setAutoRead(false);
        } else {
            endExchange();
        }
    }

    // ---- upstream --------------------------------------------------------------------------

    private HttpRequest upstreamHead(byte[] body, boolean awsChunked, long length) {
        String service = auth.service();
        String region = auth.region();
        String originalHost = connectAuthority != null ? connectAuthority : defaultHost(service, region);
        URI base = proxy.config().upstream().resolve(service, region, originalHost);
        String path = view.rawPath().isEmpty() ? "/" : view.rawPath();
        if (auth.isS3() && !base.getAuthority().equalsIgnoreCase(originalHost)) {
            // A virtual-hosted bucket sent to another endpoint becomes a path-style request.
            Matcher m = VIRTUAL_BUCKET.matcher(stripPort(originalHost));
            String hostHeader = view.header("host");
            if (m.matches() && hostHeader != null && stripPort(hostHeader).equalsIgnoreCase(stripPort(originalHost))) {
                path = "/" + m.group(1) + (path.equals("/") ? "" : path);
            }
        }
        List<Map.Entry<String, String>> query = new ArrayList<>();
        if (view.rawQuery() != null && !view.rawQuery().isEmpty()) {
            for (String pair : view.rawQuery().split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = SigV4Verifier.decode(eq < 0 ? pair : pair.substring(0, eq));
                if (auth.presigned() && k.startsWith("X-Amz-") && isPresignParam(k)) {
                    continue;
                }
                query.add(new AbstractMap.SimpleEntry<>(k, eq < 0 ? null : SigV4Verifier.decode(pair.substring(eq + 1))));
            }
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (Map.Entry<String, String> h : request.headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (NOT_FORWARDED.contains(name) || (awsChunked && AWS_CHUNKED_ONLY.contains(name))) {
                continue;
            }
            String value = h.getValue();
            if (awsChunked && name.equals("content-encoding")) {
                value = withoutAwsChunked(value);
                if (value.isEmpty()) {
                    continue;
                }
            }
            headers.add(new AbstractMap.SimpleEntry<>(h.getKey(), value));
        }
        boolean hasBody = length > 0 || HttpUtil.isTransferEncodingChunked(request)
                || request.headers().contains(HttpHeaderNames.CONTENT_LENGTH);
        if (length >= 0 && hasBody) {
            headers.add(new AbstractMap.SimpleEntry<>("Content-Length", Long.toString(length)));
        }
        HttpRequest head = proxy.upstreamSigner().sign(request.method().name(), base, path, query, headers, service,
                region, auth.isS3(), body);
        if (length < 0 && hasBody) {
            HttpUtil.setTransferEncodingChunked(head, true);
        }
        head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaders.Values.KEEP_ALIVE);
        connectUpstream(base);
        return head;
    }

    private static boolean isPresignParam(String k) {
        return switch (k) {
            case "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders",
                    "X-Amz-Signature", "X-Amz-Security-Token" -> true;
            default -> false;
        };
    }

    private static String withoutAwsChunked(String value) {
        StringBuilder sb = new StringBuilder();
        for (String part : value.split(",")) {
            String p = part.trim();
            if (!p.isEmpty() && !p.equalsIgnoreCase("aws-chunked")) {
                if (sb.length() > 0) {
                    sb.append(", ");
                }
                sb.append(p);
            }
        }
        return sb.toString();
    }

    private static String stripPort(String host) {
        int c = host.lastIndexOf(':');
        return c > 0 && host.indexOf(':') == c ? host.substring(0, c) : host;
    }

    /** The standard endpoint host for a signing name and region (endpoint-URL mode). */
    static String defaultHost(String service, String region) {
        String suffix = region.startsWith("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com";
        if (service.equals("iam")) {
            return region.startsWith("cn-") ? "iam.cn-north-1.amazonaws.com.cn" : "iam.amazonaws.com";
        }
        return service + "." + region + suffix;
    }

    private void connectUpstream(URI base) {
        boolean tls = "https".equalsIgnoreCase(base.getScheme());
        int port = base.getPort() > 0 ? base.getPort() : tls ? 443 : 80;
        String host = base.getHost();
        String key = (tls ? "https://" : "http://") + host + ":" + port;
        if (upstream != null && upstream.isActive() && key.equals(upstreamKey) && upstreamReusable) {
            upstreamReusable = false;
            return;
        }
        if (upstream != null) {
            upstream.close();
        }
        upstreamKey = key;
        upstreamReusable = false;
        Channel downstream = ctx.channel();
        upstreamReady = new Bootstrap().group(downstream.eventLoop()).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls) {
                            SslHandler ssl = proxy.upstreamTls().newHandler(ch.alloc(), host, port);
                            SSLEngine engine = ssl.engine();
                            SSLParameters params = engine.getSSLParameters();
                            params.setEndpointIdentificationAlgorithm("HTTPS");
                            engine.setSSLParameters(params);
                            ch.pipeline().addLast(ssl);
                        }
                        ch.pipeline().addLast(new HttpClientCodec(8192, 65536, 65536), new UpstreamHandler());
                    }
                })
                .connect(host, port);
        upstream = upstreamReady.channel();
        upstreamReady.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess() && f.channel() == upstream) {
                failUpstream("Ferry could not connect to " + key + ": " + f.cause().getMessage());
            }
        });
    }

    private void sendUpstream(Object msg) {
        Channel ch = upstream;
        if (ch == null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (upstreamReady.isDone()) {
            if (upstreamReady.isSuccess()) {
                ch.write(msg);
                pendingUpstreamFlush = true;
            } else {
                ReferenceCountUtil.release(msg);
            }
        } else {
            upstreamReady.addListener(f -> {
                if (f.isSuccess()) {
                    ch.writeAndFlush(msg);
                } else {
                    ReferenceCountUtil.release(msg);
                }
            });
        }
    }

    /** Drops the upstream connection with a TCP reset, so a partial request never completes there. */
    private void resetUpstream() {
        Channel ch = upstream;
        upstream = null;
        upstreamKey = null;
        if (ch != null) {
            if (ch.isActive()) {
                ch.config().setOption(ChannelOption.SO_LINGER, 0);
            }
            ch.close();
        }
    }

    private void failUpstream(String message) {
        stats.error(message);
        resetUpstream();
        if (!responseStarted) {
            boolean s3 = auth != null && auth.isS3();
            respondError(HttpResponseStatus.BAD_GATEWAY, "ServiceUnavailable", message, s3);
            afterError();
        } else {
            ctx.close();
        }
    }

    /** Relays the upstream response to the client. */
    private final class UpstreamHandler extends ChannelInboundHandlerAdapter {
        private boolean skipInterim;

        @Override
        public void channelRead(ChannelHandlerContext uctx, Object msg) {
            if (uctx.channel() != upstream) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof HttpResponse r) {
                if (r.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL) {
                    skipInterim = true;
                    ReferenceCountUtil.release(msg);
                    return;
                }
                upstreamReusable = HttpUtil.isKeepAlive(r);
                HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, r.status());
                for (Map.Entry<String, String> h : r.headers()) {
                    String n = h.getKey().toLowerCase(Locale.ROOT);
                    if (!n.equals("connection") && !n.equals("keep-alive") && !n.equals("proxy-connection")) {
                        out.headers().add(h.getKey(), h.getValue());
                    }
                }
                HttpUtil.setKeepAlive(out, keepAlive);
                responseStarted = true;
                ctx.write(out);
            }
            if (msg instanceof HttpContent c) {
                if (skipInterim) {
                    skipInterim = !(c instanceof LastHttpContent);
                    c.release();
                    return;
                }
                stats.addBytesToClient(c.content().readableBytes());
                boolean last = c instanceof LastHttpContent;
                ctx.write(c);
                if (last) {
                    ctx.flush();
                    responseDone = true;
                    stats.requestServed();
                    if (!upstreamReusable) {
                        Channel ch = upstream;
                        upstream = null;
                        ch.close();
                    }
                    if (requestDone || state != State.STREAMING) {
                        endExchange();
                    }
                }
            } else if (!(msg instanceof HttpResponse)) {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext uctx) {
            ctx.flush();
            if (!ctx.channel().isWritable()) {
                uctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext uctx) {
            if (uctx.channel().isWritable() && state == State.STREAMING && !requestDone) {
                ctx.channel().config().setAutoRead(true);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext uctx) {
            if (uctx.channel() != upstream) {
                return;
            }
            upstream = null;
            if (state == State.STREAMING && !responseDone) {
                if (responseStarted) {
                    ctx.close();
                } else {
                    failUpstream("The AWS endpoint " + upstreamKey + " closed the connection before answering.");
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext uctx, Throwable cause) {
            if (uctx.channel() == upstream) {
                stats.error("Upstream error: " + cause.getMessage());
            }
            uctx.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && upstream != null) {
            upstream.config().setAutoRead(true);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseExchange();
        if (upstream != null) {
            if (state == State.STREAMING && !requestDone) {
                resetUpstream();
            } else {
                upstream.close();
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        stats.error("Client connection error: " + cause.getMessage());
        ctx.close();
    }

    // ---- ends of an exchange ---------------------------------------------------------------

    private void endExchange() {
        releaseExchange();
        state = State.IDLE;
        if (!keepAlive) {
            ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.channel().config().setAutoRead(true);
    }

    private void releaseExchange() {
        if (held != null) {
            held.release();
            held = null;
        }
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
        check = null;
    }

    private void reject(SigV4Exception e) {
        stats.requestRejected(e.getMessage());
        boolean s3 = auth != null ? auth.isS3() : looksLikeS3();
        resetUpstream();
        respondError(HttpResponseStatus.FORBIDDEN, AwsErrors.code(e.reason(), s3), e.getMessage(), s3);
        afterError();
    }

    private void rejectTooLarge() {
        String msg = "The request body is larger than " + (AwsProxy.MAX_BUFFERED_BODY >> 20)
                + " MiB, the most Ferry's AWS proxy accepts for this service.";
        stats.requestRejected(msg);
        respondError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "RequestEntityTooLarge", msg, false);
        afterError();
    }

    private void rejectPlain(HttpResponseStatus status, String msg) {
        stats.requestRejected(msg);
        respondError(status, "BadRequest", msg, false);
        requestDone = true;
        afterError();
    }

    private boolean looksLikeS3() {
        String host = view == null ? null : view.header("host");
        return host != null && host.contains("s3");
    }

    private void respondError(HttpResponseStatus status, String code, String message, boolean s3) {
        String contentType = request == null ? null : request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        FullHttpResponse r = AwsErrors.response(ctx.alloc(), status, code, message, s3, contentType);
        boolean expectsContinue = request != null && HttpUtil.is100ContinueExpected(request) && !requestDone;
        if (expectsContinue) {
            keepAlive = false;
        }
        HttpUtil.setKeepAlive(r, keepAlive);
        responseStarted = true;
        responseDone = true;
        ctx.writeAndFlush(r);
    }

    private void afterError() {
        releaseExchange();
        if (requestDone || !keepAlive && HttpUtil.is100ContinueExpected(request)) {
            endExchange();
        } else {
            state = State.DISCARDING;
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void afterDiscard() {
        endExchange();
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static SigV4Verifier.Request toView(HttpRequest r) {
        String uri = r.uri();
        if (uri.startsWith("http://") || uri.startsWith("https://")) {
            URI u = URI.create(uri);
            uri = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        }
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        String query = q < 0 ? null : uri.substring(q + 1);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : r.headers()) {
            headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(h.getValue());
        }
        return new SigV4Verifier.Request(r.method().name(), path, query, headers);
    }

    private static long parseLong(String s) {
        if (s == null) {
            return -1;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
