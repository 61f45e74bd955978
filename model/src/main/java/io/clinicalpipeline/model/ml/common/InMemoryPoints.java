package io.clinicalpipeline.model.ml.common;

import java.util.List;

/**
 * Points in one thread's memory: the single-machine reference that tests compare a parallel fit with, and the
 * baseline {@code bench train} measures the Flink fit against (same solver, same passes, no jobs or files).
 */
public final class InMemoryPoints implements Points {

    private final List<double[]> points;
    private final int width;

    /** @param points {@code [label, weight, x…]}, all of one width; updated in place by rewrites */
    public InMemoryPoints(List<double[]> points) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("the training input has no rows");
        }
        this.points = points;
        this.width = points.get(0).length;
        for (double[] p : points) {
            if (p.length != width) {
                throw new IllegalArgumentException("training rows have features vectors of different sizes ("
                        + (width - 2) + " and " + (p.length - 2) + ")");
            }
        }
    }

    @Override
    public int features() {
        return width - 2;
    }

    @Override
    public PartitionedPoints.PassResult run(String name, PartitionedPoints.Pass pass) {
        double[] partial = new double[pass.size(width)];
        for (double[] point : points) {
            pass.add(partial, point);
        }
        return new PartitionedPoints.PassResult(partial, new long[] {points.size()});
    }

    @Override
    public PartitionedPoints.PassResult rewrite(String name, PartitionedPoints.Update update) {
        double[] partial = new double[update.size(width)];
        for (double[] point : points) {
            update.update(point);
            update.add(partial, point);
        }
        return new PartitionedPoints.PassResult(partial, new long[] {points.size()});
    }
}
