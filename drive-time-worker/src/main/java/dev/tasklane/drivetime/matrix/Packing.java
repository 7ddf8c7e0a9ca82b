package dev.tasklane.drivetime.matrix;

import java.util.ArrayList;
import java.util.List;

/**
 * How origins × destinations are cut into requests within the API's limits: at most 25 origins, 25 destinations and
 * 100 elements each. One client and 60 drivers is 3 requests (25 + 25 + 10 origins), not 60.
 */
final class Packing {

    static final int MAX_ORIGINS = 25;
    static final int MAX_DESTINATIONS = 25;
    static final int MAX_ELEMENTS = 100;

    /** A block of the matrix: origins [originFrom, originTo) × destinations [destinationFrom, destinationTo). */
    record Block(int originFrom, int originTo, int destinationFrom, int destinationTo) {}

    private Packing() {}

    static List<Block> blocks(int origins, int destinations) {
        int originsPerBlock = Math.min(MAX_ORIGINS, Math.max(1, origins));
        int destinationsPerBlock = Math.min(MAX_DESTINATIONS, Math.max(1, MAX_ELEMENTS / originsPerBlock));
        if (destinations < destinationsPerBlock) {
            destinationsPerBlock = Math.max(1, destinations);
            originsPerBlock = Math.min(MAX_ORIGINS, Math.max(1, MAX_ELEMENTS / destinationsPerBlock));
        }
        List<Block> blocks = new ArrayList<>();
        for (int o = 0; o < origins; o += originsPerBlock) {
            for (int d = 0; d < destinations; d += destinationsPerBlock) {
                blocks.add(new Block(
                        o,
                        Math.min(origins, o + originsPerBlock),
                        d,
                        Math.min(destinations, d + destinationsPerBlock)));
            }
        }
        return blocks;
    }
}
