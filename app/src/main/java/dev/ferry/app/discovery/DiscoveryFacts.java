package dev.ferry.app.discovery;

/**
 * What discovery learnt about a database besides the fields a tunnel needs: where it came
 * from and the state that decides whether Ferry can serve it. Empty strings for unknown
 * values; {@code instances} is the number of DB instances of an Aurora cluster (-1 for the
 * other kinds).
 */
public record DiscoveryFacts(Kind kind, String resourceId, String displayName, String engine, String engineVersion,
                             String status, boolean iamAuth, int instances) {

    /** The kind of AWS resource (and endpoint) a discovered database is. */
    public enum Kind {
        RDS_INSTANCE("RDS instance", "instance"),
        AURORA_WRITER("Aurora cluster", "primary"),
        AURORA_READER("Aurora cluster (reader endpoint)", "reader"),
        REDSHIFT_CLUSTER("Redshift cluster", "cluster"),
        REDSHIFT_SERVERLESS("Redshift Serverless workgroup", "workgroup");

        private final String title;
        private final String endpointType;

        Kind(String title, String endpointType) {
            this.title = title;
            this.endpointType = endpointType;
        }

        /** For people, e.g. "Aurora cluster (reader endpoint)". */
        public String title() {
            return title;
        }

        /** The {@code endpoint_type} label, as Teleport's: instance, primary, reader, … */
        public String endpointType() {
            return endpointType;
        }

        boolean isRds() {
            return this == RDS_INSTANCE || this == AURORA_WRITER || this == AURORA_READER;
        }

        boolean isAurora() {
            return this == AURORA_WRITER || this == AURORA_READER;
        }
    }

    public DiscoveryFacts {
        resourceId = nz(resourceId);
        displayName = nz(displayName);
        engine = nz(engine);
        engineVersion = nz(engineVersion);
        status = nz(status);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
