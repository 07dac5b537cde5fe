package dev.ferry.tunnel.db;

import java.util.Arrays;

/**
 * The bytes of one direction of a watched connection not read yet by its {@link FrontTunnel.Watch}:
 * appended as they travel, read as whole messages once complete. Bounded: a watch that would need
 * more than {@link #MAX} bytes gives up (the connection is relayed all the same).
 */
public final class WatchBuffer {
    public static final int MAX = 1 << 20;

    private byte[] data = new byte[256];
    private int start;
    private int end;

    /** Appends; false when the watch would hold more than {@link #MAX} bytes. */
    public boolean append(byte[] b, int off, int len) {
        if (end - start + len > MAX) {
            return false;
        }
        if (end + len > data.length) {
            int size = end - start;
            byte[] grown = size + len > data.length ? new byte[Math.max(data.length * 2, size + len)] : data;
            System.arraycopy(data, start, grown, 0, size);
            data = grown;
            start = 0;
            end = size;
        }
        System.arraycopy(b, off, data, end, len);
        end += len;
        return true;
    }

    public int available() {
        return end - start;
    }

    /** The unsigned byte at {@code i} from the first unread one. */
    public int u8(int i) {
        return data[start + i] & 0xff;
    }

    /** A big-endian int32 at {@code i} (PostgreSQL). */
    public int int32(int i) {
        return u8(i) << 24 | u8(i + 1) << 16 | u8(i + 2) << 8 | u8(i + 3);
    }

    /** A little-endian unsigned int24 at {@code i} (MySQL packet lengths). */
    public int int24le(int i) {
        return u8(i) | u8(i + 1) << 8 | u8(i + 2) << 16;
    }

    public byte[] copy(int from, int len) {
        return Arrays.copyOfRange(data, start + from, start + from + len);
    }

    public void skip(int n) {
        start += n;
    }
}
