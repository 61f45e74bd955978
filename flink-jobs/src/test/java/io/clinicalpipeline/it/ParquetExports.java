package io.clinicalpipeline.it;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** An export's files read back with parquet-hadoop itself: their footers' schema and their rows, by dt folder. */
final class ParquetExports {

    private ParquetExports() {}

    record Part(String dt, Path file, MessageType schema, List<Group> rows) {}

    static List<Part> read(Path root) throws IOException {
        List<Part> parts = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".parquet")).sorted().toList()) {
                org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.toUri());
                MessageType schema;
                try (ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(path, new Configuration()))) {
                    schema = footer.getFooter().getFileMetaData().getSchema();
                }
                List<Group> rows = new ArrayList<>();
                try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), path).build()) {
                    for (Group g = reader.read(); g != null; g = reader.read()) {
                        rows.add(g);
                    }
                }
                String folder = root.relativize(file).getName(0).toString();
                parts.add(new Part(folder.startsWith("dt=") ? folder.substring(3) : null, file, schema, rows));
            }
        }
        return parts;
    }

    static long rows(List<Part> parts) {
        return parts.stream().mapToLong(p -> p.rows().size()).sum();
    }
}
