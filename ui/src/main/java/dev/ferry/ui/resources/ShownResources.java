package dev.ferry.ui.resources;

import dev.ferry.app.model.Resource;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.collections.transformation.TransformationList;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The resources the list shows: those of a source list that a {@link ResourceFilter} accepts,
 * in the source's order. Made for a search box over thousands of resources, where every
 * keystroke filters again:
 * <ul>
 *   <li>each resource's {@link ResourceFilter#searchKey} is made once, when it joins the source
 *   (kept in an array by source index);</li>
 *   <li>a filter that narrows the one before ({@link ResourceFilter#narrows}: a letter typed at
 *   the end) only tests the resources shown already;</li>
 *   <li>a filter that shows the same resources changes nothing and tells no listener;</li>
 *   <li>the shown resources are source indices in an array, two of them used in turn, and a
 *   change is told as one replacement whose removed resources are read from the array before,
 *   so a keystroke allocates nothing that grows with the number of resources.</li>
 * </ul>
 * A change of the source filters everything again (FX thread, as the list it comes from).
 */
final class ShownResources extends TransformationList<Resource, Resource> {
    private static final int[] NO_PERMUTATION = new int[0];

    /** The source's resources and their search keys, by source index (as of the last source change). */
    private Resource[] items;
    private String[] keys;
    /** The source indices of the shown resources, ascending: the first {@link #size}. */
    private int[] shown;
    /** The array of the filter before (what the change being told reads), written by the next filter. */
    private int[] spare;
    private int size;
    private ResourceFilter filter = new ResourceFilter(ResourceFilter.Kind.ALL, "");
    private boolean telling;

    ShownResources(ObservableList<Resource> source) {
        super(source);
        index(Map.of());
        for (int i = 0; i < items.length; i++) {
            shown[i] = i;
        }
        size = items.length;
    }

    ResourceFilter filter() {
        return filter;
    }

    /** Shows the resources {@code f} accepts. */
    void filter(ResourceFilter f) {
        if (f.equals(filter)) {
            return;
        }
        boolean narrower = f.narrows(filter);
        filter = f;
        int candidates = narrower ? size : items.length;
        // (a listener that filters again while a change is told gets an array of its own: the change reads the spare one)
        int[] out = telling ? new int[items.length] : spare;
        int n = 0;
        for (int j = 0; j < candidates; j++) {
            int i = narrower ? shown[j] : j;
            if (f.test(items[i], keys[i])) {
                out[n++] = i;
            }
        }
        int[] before = shown;
        int sizeBefore = size;
        shown = out;
        size = n;
        spare = before;
        if (n == sizeBefore && Arrays.equals(before, 0, n, out, 0, n)) {
            return; // the same resources: nothing to tell
        }
        boolean outer = !telling;
        telling = true;
        try {
            fireChange(new Replacement(n, items, before, sizeBefore));
        } finally {
            telling = !outer;
        }
    }

    @Override
    protected void sourceChanged(ListChangeListener.Change<? extends Resource> c) {
        // Rare (a workspace opened, a discovery scan): everything is filtered again, and the
        // keys of the resources still there are kept.
        List<Resource> before = new ArrayList<>(size);
        for (int j = 0; j < size; j++) {
            before.add(items[shown[j]]);
        }
        Map<Resource, String> known = new IdentityHashMap<>(items.length);
        for (int i = 0; i < items.length; i++) {
            known.put(items[i], keys[i]);
        }
        index(known);
        size = 0;
        for (int i = 0; i < items.length; i++) {
            if (filter.test(items[i], keys[i])) {
                shown[size++] = i;
            }
        }
        beginChange();
        nextReplace(0, size, before);
        endChange();
    }

    /** Copies the source and makes the keys of its resources ({@code known} ones are reused). */
    private void index(Map<Resource, String> known) {
        items = getSource().toArray(new Resource[0]);
        keys = new String[items.length];
        for (int i = 0; i < items.length; i++) {
            String key = known.get(items[i]);
            keys[i] = key != null ? key : ResourceFilter.searchKey(items[i]);
        }
        shown = new int[items.length];
        spare = new int[items.length];
    }

    @Override
    public Resource get(int index) {
        return items[shown[Objects.checkIndex(index, size)]];
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int getSourceIndex(int index) {
        return shown[Objects.checkIndex(index, size)];
    }

    @Override
    public int getViewIndex(int index) {
        int at = Arrays.binarySearch(shown, 0, size, index);
        return at < 0 ? -1 : at;
    }

    /** Everything shown replaced: what was shown before is read from its array, not copied. */
    private final class Replacement extends ListChangeListener.Change<Resource> {
        private final int to;
        private final List<Resource> removed;
        private int cursor = -1;

        Replacement(int to, Resource[] items, int[] before, int sizeBefore) {
            super(ShownResources.this);
            this.to = to;
            this.removed = new AbstractList<>() {
                @Override
                public Resource get(int i) {
                    return items[before[Objects.checkIndex(i, sizeBefore)]];
                }

                @Override
                public int size() {
                    return sizeBefore;
                }
            };
        }

        @Override
        public boolean next() {
            cursor++;
            return cursor == 0;
        }

        @Override
        public void reset() {
            cursor = -1;
        }

        @Override
        public int getFrom() {
            at();
            return 0;
        }

        @Override
        public int getTo() {
            at();
            return to;
        }

        @Override
        public List<Resource> getRemoved() {
            at();
            return removed;
        }

        @Override
        protected int[] getPermutation() {
            at();
            return NO_PERMUTATION;
        }

        private void at() {
            if (cursor != 0) {
                throw new IllegalStateException("call next() first (and only once: one replacement)");
            }
        }
    }
}
