package dev.ferry.ui.tray;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;

/**
 * The tray icon, drawn in code so it is sharp at any tray size: a small ferry on a blue
 * rounded square; with tunnels running the square is green and a dot lights up. Drawn (not
 * a PNG) because the repository has no artwork yet and the tray asks for odd sizes.
 */
public final class TrayIcons {
    private static final Color IDLE = new Color(0x3B, 0x5B, 0xDB);
    private static final Color ACTIVE = new Color(0x1F, 0x88, 0x3D);
    private static final Color FAILING = new Color(0xC9, 0x2A, 0x2A);

    private TrayIcons() {
    }

    public static BufferedImage icon(int size, boolean tunnelsRunning) {
        return icon(size, tunnelsRunning, false);
    }

    /** With {@code failing} the square is red and the dot amber: a tunnel failed or cannot reach its database. */
    public static BufferedImage icon(int size, boolean tunnelsRunning, boolean failing) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        double s = size;
        g.setColor(failing ? FAILING : tunnelsRunning ? ACTIVE : IDLE);
        g.fill(new RoundRectangle2D.Double(s * 0.04, s * 0.04, s * 0.92, s * 0.92, s * 0.3, s * 0.3));
        g.setColor(Color.WHITE);
        // hull
        Path2D hull = new Path2D.Double();
        hull.moveTo(s * 0.16, s * 0.56);
        hull.lineTo(s * 0.84, s * 0.56);
        hull.lineTo(s * 0.72, s * 0.74);
        hull.lineTo(s * 0.28, s * 0.74);
        hull.closePath();
        g.fill(hull);
        // cabin and funnel
        g.fillRect((int) Math.round(s * 0.32), (int) Math.round(s * 0.40), (int) Math.round(s * 0.34), (int) Math.round(s * 0.13));
        g.fillRect((int) Math.round(s * 0.42), (int) Math.round(s * 0.26), (int) Math.round(s * 0.10), (int) Math.round(s * 0.14));
        // water line
        g.setStroke(new BasicStroke((float) Math.max(1, s * 0.05), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.drawLine((int) Math.round(s * 0.18), (int) Math.round(s * 0.84), (int) Math.round(s * 0.82), (int) Math.round(s * 0.84));
        if (tunnelsRunning || failing) {
            double d = s * 0.34;
            g.setColor(failing ? new Color(0xFF, 0xC1, 0x07) : new Color(0x7C, 0xFC, 0x8A));
            g.fillOval((int) Math.round(s - d - s * 0.02), (int) Math.round(s * 0.02), (int) Math.round(d), (int) Math.round(d));
        }
        g.dispose();
        return img;
    }
}
