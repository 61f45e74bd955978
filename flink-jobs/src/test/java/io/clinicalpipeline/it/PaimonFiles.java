package io.clinicalpipeline.it;

import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.table.source.DataSplit;
import org.apache.paimon.table.source.Split;

import java.util.HashSet;
import java.util.Set;

/** What a Paimon table's current data files look like, for tests of how they are written and compacted. */
final class PaimonFiles {

    private PaimonFiles() {}

    /** The LSM levels of the table's current data files: 0 for files as written, higher once compacted. */
    static Set<Integer> levels(Catalog catalog, String database, String table) throws Exception {
        Set<Integer> levels = new HashSet<>();
        for (Split split : catalog.getTable(Identifier.create(database, table)).newReadBuilder().newScan().plan().splits()) {
            ((DataSplit) split).dataFiles().forEach(file -> levels.add(file.level()));
        }
        return levels;
    }
}
