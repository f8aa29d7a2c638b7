// Draws one chart panel (frame, grid, ticks, labels, lines with markers, legend) into a Graphics2D.
package gpumlp.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * One panel of the learning-curve figure. The panel occupies {@code bounds}; the data area inside
 * leaves room for tick labels and axis titles. When {@code font} is null no text is drawn at all
 * (for machines where font loading fails), everything else still is.
 */
final class PlotPanel {
    /** A named line: x[i], y[i] for i = 0..n-1, NaN points skipped. */
    record Series(String name, Color color, double[] x, double[] y) {
    }

    private static final Color GRID = new Color(225, 225, 225);
    private static final Color AXIS = new Color(40, 40, 40);
    private static final int LEFT = 68, RIGHT = 18, TOP = 34, BOTTOM = 50;

    private final Rectangle bounds;
    private final String heading;
    private final String xTitle;
    private final String yTitle;
    private final boolean legendAtTop;
    private final double ceiling;
    private final List<Series> series;

    /** ceiling: the largest meaningful value (100 for percentages), so headroom does not pass it. */
    PlotPanel(Rectangle bounds, String heading, String xTitle, String yTitle, boolean legendAtTop, double ceiling,
            List<Series> series) {
        this.bounds = bounds;
        this.heading = heading;
        this.xTitle = xTitle;
        this.yTitle = yTitle;
        this.legendAtTop = legendAtTop;
        this.ceiling = ceiling;
        this.series = series;
    }

    void draw(Graphics2D g, Font font) {
        Rectangle area = new Rectangle(bounds.x + LEFT, bounds.y + TOP,
                bounds.width - LEFT - RIGHT, bounds.height - TOP - BOTTOM);
        AxisScale xs = AxisScale.around(min(true), max(true), 8, true);
        double lo = min(false), hi = max(false), pad = 0.05 * (hi - lo);
        // 5% headroom, but not below 0 or above the ceiling (100%) when the data stays within them
        AxisScale ys = AxisScale.around(lo >= 0 ? Math.max(0, lo - pad) : lo - pad,
                hi <= ceiling ? Math.min(ceiling, hi + pad) : hi + pad, 6, false);
        // data -> pixels; x keeps a small margin so end markers are not cut
        double padX = area.width * 0.03;
        DoubleUnaryOperator px = v -> area.x + padX + (v - xs.min()) / (xs.max() - xs.min()) * (area.width - 2 * padX);
        DoubleUnaryOperator py = v -> area.y + area.height - (v - ys.min()) / (ys.max() - ys.min()) * area.height;

        g.setStroke(new BasicStroke(1f));
        for (double t : ys.ticks()) {
            g.setColor(GRID);
            g.draw(new Line2D.Double(area.x, py.applyAsDouble(t), area.x + area.width, py.applyAsDouble(t)));
            g.setColor(AXIS);
            g.draw(new Line2D.Double(area.x - 5, py.applyAsDouble(t), area.x, py.applyAsDouble(t)));
        }
        for (double t : xs.ticks()) {
            g.setColor(GRID);
            g.draw(new Line2D.Double(px.applyAsDouble(t), area.y, px.applyAsDouble(t), area.y + area.height));
            g.setColor(AXIS);
            double bottom = area.y + area.height;
            g.draw(new Line2D.Double(px.applyAsDouble(t), bottom, px.applyAsDouble(t), bottom + 5));
        }
        g.setColor(AXIS);
        g.draw(area);

        Shape clip = g.getClip();
        g.clip(new Rectangle(area.x - 5, area.y - 5, area.width + 10, area.height + 10)); // room for edge markers
        for (Series s : series) {
            drawSeries(g, s, px, py);
        }
        g.setClip(clip);

        if (font != null) {
            drawText(g, font, area, xs, ys, px, py);
        }
        drawLegend(g, font, area);
    }

    private void drawSeries(Graphics2D g, Series s, DoubleUnaryOperator px,
            DoubleUnaryOperator py) {
        g.setColor(s.color());
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        double lastX = Double.NaN, lastY = Double.NaN;
        for (int i = 0; i < s.x().length; i++) {
            if (!Double.isFinite(s.y()[i])) {
                continue;
            }
            double x = px.applyAsDouble(s.x()[i]);
            double y = py.applyAsDouble(s.y()[i]);
            if (!Double.isNaN(lastX)) {
                g.draw(new Line2D.Double(lastX, lastY, x, y));
            }
            g.fill(new Ellipse2D.Double(x - 3.5, y - 3.5, 7, 7));
            lastX = x;
            lastY = y;
        }
    }

    private void drawText(Graphics2D g, Font font, Rectangle area, AxisScale xs, AxisScale ys,
            DoubleUnaryOperator px, DoubleUnaryOperator py) {
        g.setColor(AXIS);
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();
        for (double t : ys.ticks()) {
            String s = ys.label(t);
            g.drawString(s, area.x - 8 - fm.stringWidth(s), (float) (py.applyAsDouble(t) + fm.getAscent() / 2.0 - 1));
        }
        for (double t : xs.ticks()) {
            String s = xs.label(t);
            g.drawString(s, (float) (px.applyAsDouble(t) - fm.stringWidth(s) / 2.0), area.y + area.height + 8 + fm.getAscent());
        }
        g.drawString(xTitle, area.x + (area.width - fm.stringWidth(xTitle)) / 2f,
                area.y + area.height + 12 + fm.getAscent() + fm.getHeight());
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.translate(bounds.x + 4 + fm.getAscent(), area.y + (area.height + fm.stringWidth(yTitle)) / 2.0);
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(yTitle, 0, 0);
        rotated.dispose();
        Font bold = font.deriveFont(Font.BOLD, font.getSize2D() + 2);
        g.setFont(bold);
        FontMetrics fb = g.getFontMetrics();
        g.drawString(heading, area.x + (area.width - fb.stringWidth(heading)) / 2f, area.y - 10);
    }

    private void drawLegend(Graphics2D g, Font font, Rectangle area) {
        FontMetrics fm = font != null ? g.getFontMetrics(font) : null;
        int textWidth = 0;
        for (Series s : series) {
            textWidth = Math.max(textWidth, fm != null ? fm.stringWidth(s.name()) : 0);
        }
        int rowHeight = 20;
        int width = 12 + 28 + (fm != null ? 8 + textWidth : 0) + 10;
        int height = 8 + rowHeight * series.size();
        int x = area.x + area.width - width - 10;
        int y = legendAtTop ? area.y + 10 : area.y + area.height - height - 10;
        g.setColor(Color.WHITE);
        g.fillRect(x, y, width, height);
        g.setColor(new Color(170, 170, 170));
        g.setStroke(new BasicStroke(1f));
        g.drawRect(x, y, width, height);
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            int cy = y + 4 + rowHeight * i + rowHeight / 2;
            g.setColor(s.color());
            g.setStroke(new BasicStroke(2f));
            g.drawLine(x + 12, cy, x + 40, cy);
            g.fill(new Ellipse2D.Double(x + 26 - 3.5, cy - 3.5, 7, 7));
            if (fm != null) {
                g.setColor(AXIS);
                g.setFont(font);
                g.drawString(s.name(), x + 48, cy + fm.getAscent() / 2f - 1);
            }
        }
    }

    /** The smallest (or largest) epoch over all series, or of the finite values when !xAxis. */
    private double min(boolean xAxis) {
        return extreme(xAxis, false);
    }

    private double max(boolean xAxis) {
        return extreme(xAxis, true);
    }

    private double extreme(boolean xAxis, boolean largest) {
        double m = largest ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                double v = xAxis ? s.x()[i] : s.y()[i];
                if (Double.isFinite(v)) {
                    m = largest ? Math.max(m, v) : Math.min(m, v);
                }
            }
        }
        return m;
    }
}
