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

    /** Replaced by the proxy (signature, hop-by-hop and framing headers), whether signed or not. */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "authorization", "x-amz-date", "date",
            "x-amz-security-token", "x-amz-content-sha256", "connection", "keep-alive", "proxy-connection",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "expect", "content-length");
    /** Unsigned headers that are still forwarded: informational only, AWS does not sign them either. */
    private static final Set<String> FORWARDED_UNSIGNED = Set.of("user-agent");
    private static final Set<String> AWS_CHUNKED_ONLY = Set.of("x-amz-decoded-content-length", "x-amz-trailer",
            "x-amz-sdk-checksum-algorithm");
    private static final Pattern VIRTUAL_BUCKET = Pattern.compile("^(.+?)\\.s3(?:[.-][a-z0-9-]+)*\\.amazonaws\\.com(?:\\.cn)?$");

    private final AwsProxy proxy;
    private final TunnelStats stats;
    /** The intercepted CONNECT host (HTTPS_PROXY mode) or null (endpoint-URL mode). */
    private final AwsEndpoint connectEndpoint;

    /** The last scope {@code connectEndpoint} accepted (its check reads the SDK's metadata). */
    private String acceptedService;
    private String acceptedRegion;

    private ChannelHandlerContext ctx;
    private State state = State.IDLE;
    // current exchange
    private SigV4Verifier.Request view;
    private SigV4Verifier.Auth auth;
    /** What the request's signature covers (SigV4 or SigV2), and where it may go. */
    private String service;
    private String region;
    private boolean s3;
    private boolean presigned;
    private boolean sigV2;
    private Set<String> signedHeaders;
    private AwsEndpoint endpoint;
    private long reservedBytes;
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

    ApiHandler(AwsProxy proxy, AwsEndpoint connectEndpoint) {
        this.proxy = proxy;
        this.stats = proxy.stats();
        this.connectEndpoint = connectEndpoint;
    }

    private ClientTimeouts timeouts() {
        return (ClientTimeouts) ctx.pipeline().get(ClientTimeouts.NAME);
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
        endpoint = null;
        sigV2 = false;
        s3 = connectEndpoint != null && connectEndpoint.isS3();
        timeouts().busy();
        if (r.decoderResult().isFailure()) {
            keepAlive = false;
            rejectPlain(HttpResponseStatus.BAD_REQUEST, "The request could not be parsed as HTTP/1.1.");
            return;
        }
        view = toView(r);
        try {
            if (SigV2Verifier.isSigV2(view)) {
                authenticateSigV2();
            } else {
                auth = proxy.verifier().authenticate(view);
                service = auth.service();
                region = auth.region();
                s3 = auth.isS3();
                presigned = auth.presigned();
                signedHeaders = Set.copyOf(auth.signedHeaders());
                endpoint = endpointFor(service, region);
            }
            refuseUnsignedAmzHeaders();
        } catch (SigV4Exception e) {
            reject(e);
            return;
        }
        String claimed = view.header("x-amz-content-sha256");
        if (s3) {
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

    /**
     * The genuine AWS endpoint for the request's scope: the intercepted host, which must serve
     * that service and region (HTTPS_PROXY), or the SDK's endpoint for the scope (endpoint-URL).
     */
    private AwsEndpoint endpointFor(String service, String region) throws SigV4Exception {
        if (connectEndpoint != null) {
            if (service.equals(acceptedService) && region.equals(acceptedRegion)) {
                return connectEndpoint; // this connection's host accepted the same scope before
            }
            String why = connectEndpoint.scopeMismatch(service, region);
            if (why != null) {
                try {
                    AwsEndpoint.checkScopeNames(service, region);
                } catch (IllegalArgumentException e) {
                    throw new SigV4Exception(Reason.SCOPE_MALFORMED, e.getMessage());
                }
                throw new SigV4Exception(Reason.SCOPE_MISMATCH, "Ferry refused the request: " + why + ".");
            }
            acceptedService = service;
            acceptedRegion = region;
            return connectEndpoint;
        }
        try {
            return proxy.endpointForScope(service, region);
        } catch (IllegalArgumentException e) {
            throw new SigV4Exception(Reason.SCOPE_MALFORMED, e.getMessage());
        }
    }

    /** Signature Version 2 (S3 only): verified here, then re-signed with SigV4 for the S3 endpoint. */
    private void authenticateSigV2() throws SigV4Exception {
        sigV2 = true;
        s3 = true;
        service = "s3";
        String bucket = null;
        if (connectEndpoint != null) {
            if (!connectEndpoint.isS3()) {
                throw new SigV4Exception(Reason.UNSUPPORTED, "The request is signed with Signature Version 2 "
                        + "(SigV2), which only Amazon S3 accepts, but it was sent to " + connectEndpoint.host()
                        + ". Sign it with Signature Version 4.");
            }
            region = connectEndpoint.region().orElse(proxy.config().defaultRegion());
            String host = view.header("host");
            Matcher m = VIRTUAL_BUCKET.matcher(host == null ? "" : stripPort(host.toLowerCase(Locale.ROOT)));
            if (m.matches()) {
                bucket = m.group(1);
            }
        } else {
            region = proxy.config().defaultRegion();
        }
        SigV2Verifier.Auth a = proxy.sigV2().verify(view, bucket);
        presigned = a.presigned();
        signedHeaders = Set.copyOf(a.signedHeaders());
        endpoint = endpointFor(service, region);
    }

    /** As S3 does: every x-amz-* header must be covered by the signature, or the request is refused. */
    private void refuseUnsignedAmzHeaders() throws SigV4Exception {
        List<String> unsigned = new ArrayList<>();
        for (String name : view.headers().keySet()) {
            if (name.startsWith("x-amz-") && !signedHeaders.contains(name)) {
                unsigned.add(name);
            }
        }
        if (!unsigned.isEmpty()) {
            throw new SigV4Exception(Reason.UNSIGNED_HEADERS, "There were headers present in the request which were "
                    + "not signed: " + String.join(", ", unsigned) + ". Ferry forwards only what the client signed.");
        }
    }

    private void startStreaming(String claimed) {
        String payloadHash = sigV2 ? SigV4Verifier.UNSIGNED_PAYLOAD : claimed != null ? claimed
                : presigned ? SigV4Verifier.UNSIGNED_PAYLOAD : null;
        if (payloadHash == null) {
            reject(new SigV4Exception(Reason.MALFORMED, "S3 requests must carry x-amz-content-sha256."));
            return;
        }
        if (!sigV2) {
            try {
                proxy.verifier().verifySignature(view, auth, payloadHash);
            } catch (SigV4Exception e) {
                reject(e);
                return;
            }
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
                    if (!proxy.reserveBuffered(data.readableBytes())) {
                        buffer.release();
                        buffer = null;
                        rejectBusy();
                    } else {
                        reservedBytes += data.readableBytes();
                        buffer.addComponent(true, data.retain());
                    }
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
        String originalHost = endpoint.host();
        URI base = proxy.config().upstream().resolve(service, region, endpoint);
        if (base == null || base.getHost() == null || base.getScheme() == null) {
            throw new IllegalStateException("the endpoint configured for " + service + " (" + base + ") has no host");
        }
        String path = view.rawPath().isEmpty() ? "/" : view.rawPath();
        if (s3 && !base.getHost().equalsIgnoreCase(originalHost)) {
            // A virtual-hosted bucket sent to another endpoint becomes a path-style request.
            Matcher m = VIRTUAL_BUCKET.matcher(originalHost);
            String hostHeader = view.header("host");
            if (m.matches() && hostHeader != null && stripPort(hostHeader.toLowerCase(Locale.ROOT)).equals(originalHost)) {
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
                if (presigned && (sigV2 ? SigV2Verifier.QUERY_PARAMS.contains(k) : isPresignParam(k))) {
                    continue;
                }
                query.add(new AbstractMap.SimpleEntry<>(k, eq < 0 ? null : SigV4Verifier.decode(pair.substring(eq + 1))));
            }
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (Map.Entry<String, String> h : request.headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (NOT_FORWARDED.contains(name) || (awsChunked && AWS_CHUNKED_ONLY.contains(name))
                    || !(signedHeaders.contains(name) || FORWARDED_UNSIGNED.contains(name))) {
                continue; // only what the client signed goes upstream with real credentials
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
                region, s3, body);
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
                .option(ChannelOption.ALLOCATOR, proxy.allocator())
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
                String message = "Ferry could not connect to " + key + ": " + f.cause().getMessage();
                stats.upstreamFailed(new dev.ferry.tunnel.db.TunnelFailure(dev.ferry.tunnel.db.TunnelFailure.Reason.UNREACHABLE,
                        message, ConnectionErrors.unreachable(f.cause())));
                failUpstream(message);
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
                stats.upstreamReached(); // the endpoint answered (cheap once OK: one read)
                HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, r.status(), r.headers());
                out.headers().remove(HttpHeaderNames.CONNECTION).remove(HttpHeaderNames.KEEP_ALIVE)
                        .remove(HttpHeaderNames.PROXY_CONNECTION); // hop-by-hop (names compare case-insensitively)
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
                LOG.info("AWS endpoint connection {} failed", upstreamKey, cause);
                stats.error(ConnectionErrors.upstream(cause, String.valueOf(upstreamKey)));
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
        LOG.info("AWS proxy client connection failed", cause);
        String plain = ConnectionErrors.client(cause, connectEndpoint == null ? ProxyMode.ENDPOINT_URL : ProxyMode.HTTPS_PROXY);
        if (plain != null) {
            stats.error(plain);
        }
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
        timeouts().idle();
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
        if (reservedBytes > 0) {
            proxy.releaseBuffered(reservedBytes);
            reservedBytes = 0;
        }
        check = null;
    }

    private void reject(SigV4Exception e) {
        stats.requestRejected(e.getMessage());
        boolean s3 = this.s3 || auth == null && looksLikeS3();
        resetUpstream();
        respondError(AwsErrors.status(e.reason()), AwsErrors.code(e.reason(), s3), e.getMessage(), s3);
        afterError();
    }

    private void rejectBusy() {
        String msg = "Ferry's AWS proxy holds " + (AwsProxy.MAX_BUFFERED_TOTAL >> 20) + " MiB of request bodies "
                + "already, the most it buffers at once. Retry in a moment.";
        stats.requestRejected(msg);
        respondError(HttpResponseStatus.SERVICE_UNAVAILABLE, s3 ? "SlowDown" : "ServiceUnavailable", msg, s3);
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
        return host != null && host.contains("s3") || view != null && SigV2Verifier.isSigV2(view);
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
