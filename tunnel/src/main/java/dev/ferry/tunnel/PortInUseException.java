package dev.ferry.tunnel;

import java.io.IOException;

/** The loopback port a tunnel asked for is taken by another program. */
public final class PortInUseException extends IOException {
    private final int port;

    public PortInUseException(int port, Throwable cause) {
        super("Port " + port + " on 127.0.0.1 is already in use by another program. "
                + "Stop that program or choose another port.", cause);
        this.port = port;
    }

    public int port() {
        return port;
    }
}
