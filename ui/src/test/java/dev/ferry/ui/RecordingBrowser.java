package dev.ferry.ui;

import dev.ferry.app.integrations.BrowserLauncher;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A browser that records the URLs it is asked to open; can be held so a launch stays in progress. */
final class RecordingBrowser implements BrowserLauncher {
    final List<URI> opened = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch gate;

    /** Makes the next opens wait (on the background thread) until {@link #release()}. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    void release() {
        CountDownLatch g = gate;
        if (g != null) {
            g.countDown();
        }
    }

    @Override
    public void open(URI url) {
        opened.add(url);
        CountDownLatch g = gate;
        if (g != null) {
            try {
                g.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
