package dev.ferry.tunnel.aws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of every client connection of the AWS proxy: closes connections that
 * take too long to send a request head (or a CONNECT, or a TLS handshake), that stay idle
 * between requests, or (pass-through tunnels) that carry no bytes either way for a long time.
 * A request in flight is never timed out here: a slow AWS call (a long poll, a large copy)
 * is the upstream's business.
 */
final class ClientTimeouts extends ChannelDuplexHandler {

    static final String NAME = "timeouts";

    private enum Phase { HEAD, BUSY, IDLE, RELAY }

    private final Duration header;
    private final Duration idle;
    private final Duration relayIdle;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.HEAD;
    private ScheduledFuture<?> timer;
    private long lastRelayActivity;

    ClientTimeouts(Duration header, Duration idle, Duration relayIdle) {
        this.header = header;
        this.idle = idle;
        this.relayIdle = relayIdle;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            arm(header);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(header);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (phase == Phase.IDLE && msg instanceof ByteBuf b && b.isReadable()) {
            phase = Phase.HEAD; // a new request begins: its head must arrive in time
            arm(header);
        } else if (phase == Phase.RELAY) {
            lastRelayActivity = System.nanoTime();
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (phase == Phase.RELAY) {
            lastRelayActivity = System.nanoTime();
        }
        super.write(ctx, msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    /** A new head is expected now (after CONNECT: the TLS handshake and the first request). */
    void expectHead() {
        phase = Phase.HEAD;
        arm(header);
    }

    /** A request head has arrived: no client timeout while the exchange runs. */
    void busy() {
        phase = Phase.BUSY;
        cancel();
    }

    /** The exchange is over and the connection is kept alive for the next one. */
    void idle() {
        phase = Phase.IDLE;
        arm(idle);
    }

    /** The connection became an opaque tunnel: closed after {@code relayIdle} without bytes. */
    void relay() {
        phase = Phase.RELAY;
        lastRelayActivity = System.nanoTime();
        arm(relayIdle);
    }

    private void arm(Duration d) {
        cancel();
        timer = ctx.executor().schedule(this::expired, d.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expired() {
        timer = null;
        if (phase == Phase.RELAY) {
            long quiet = System.nanoTime() - lastRelayActivity;
            if (quiet < relayIdle.toNanos()) {
                timer = ctx.executor().schedule(this::expired, relayIdle.toNanos() - quiet, TimeUnit.NANOSECONDS);
                return;
            }
        }
        if (phase != Phase.BUSY) {
            ctx.channel().close();
        }
    }
}
