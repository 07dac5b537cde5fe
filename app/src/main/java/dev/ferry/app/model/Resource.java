package dev.ferry.app.model;

import java.util.Map;

/** Something a workspace gives access to: an app or a database. */
public sealed interface Resource permits AppResource, DatabaseResource {

    enum Kind { APP, DATABASE }

    String name();

    String description();

    Map<String, String> labels();

    Kind kind();

    /** A short human type, e.g. "AWS console", "Redshift", "Aurora PostgreSQL". */
    String typeName();
}
