package dev.ferry.app.tunnels;

import dev.ferry.app.FerryException;

/** A tunnel's resource is no longer in its workspace (the file changed, or the cluster no longer lists it). */
public final class ResourceGoneException extends FerryException {
    public ResourceGoneException(String message, String hint) {
        super(message, hint);
    }
}
