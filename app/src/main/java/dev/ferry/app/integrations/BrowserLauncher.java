package dev.ferry.app.integrations;

import java.net.URI;

/** Opens a URL in a browser. */
public interface BrowserLauncher {
    void open(URI url);
}
