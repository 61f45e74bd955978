package io.clinicalpipeline.features;

import io.clinicalpipeline.model.features.FeatureCalculator;
import io.clinicalpipeline.model.features.FeatureDefinition;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.types.DataType;
import org.apache.flink.types.Row;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Feature values as rows: patient, the event time they are valid at, definition version, then the catalog in order. */
public final class FeatureRows {

    public static final List<String> KEY_COLUMNS = List.of("patient_id", "event_time", "definition_version");

    private FeatureRows() {}

    public static DataType rowType() {
        List<DataTypes.Field> fields = new ArrayList<>();
        fields.add(DataTypes.FIELD("patient_id", DataTypes.STRING().notNull()));
        fields.add(DataTypes.FIELD("event_time", DataTypes.TIMESTAMP(3).notNull()));
        fields.add(DataTypes.FIELD("definition_version", DataTypes.INT().notNull()));
        for (FeatureDefinition d : FeatureCalculator.catalog()) {
            fields.add(DataTypes.FIELD(d.name(), sqlType(d.type())));
        }
        return DataTypes.ROW(fields.toArray(new DataTypes.Field[0])).bridgedTo(Row.class);
    }

    public static Row toRow(String patientId, long eventTime, Map<String, Object> features) {
        Row row = new Row(KEY_COLUMNS.size() + features.size());
        row.setField(0, patientId);
        row.setField(1, LocalDateTime.ofInstant(Instant.ofEpochMilli(eventTime), ZoneOffset.UTC));
        row.setField(2, FeatureCalculator.VERSION);
        int i = KEY_COLUMNS.size();
        for (Object value : features.values()) {
            row.setField(i++, value);
        }
        return row;
    }

    private static DataType sqlType(String type) {
        switch (type) {
            case "DOUBLE":
                return DataTypes.DOUBLE();
            case "INT":
                return DataTypes.INT();
            case "BOOLEAN":
                return DataTypes.BOOLEAN();
            case "STRING":
                return DataTypes.STRING();
            default:
                throw new IllegalArgumentException("feature type " + type + " has no SQL type");
        }
    }
}
