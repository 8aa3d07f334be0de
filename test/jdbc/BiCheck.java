// The BI schema as a BI tool sees it over JDBC (run by test/t/101_dashboard_jdbc.pl): lists
// tweetlda_bi's tables and columns through DatabaseMetaData, runs the classic pipeline's three
// analysis queries and a parameterized timeline query, and checks that writes and reads of the
// raw tables are refused.  Prints one line per check, "ok ..." or "FAIL ..."; exits 1 on a FAIL.
// Usage: java -cp postgresql.jar:. BiCheck JDBC_URL USER PASSWORD
import java.sql.*;
import java.time.OffsetDateTime;
import java.util.*;

public class BiCheck {
    static int failures = 0;

    static void check(boolean ok, String what) {
        System.out.println((ok ? "ok " : "FAIL ") + what);
        if (!ok) failures++;
    }

    // Rows of a query as lines of tab-separated values.
    static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) b.append(i > 1 ? "\t" : "").append(rs.getString(i));
                out.add(b.toString());
            }
        }
        return out;
    }

    // The SQLSTATE a statement fails with, or "none".
    static String refusal(Connection c, String sql) {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
            return "none";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection(args[0], args[1], args[2])) {
            DatabaseMetaData md = c.getMetaData();
            check(md.getDriverName().contains("PostgreSQL"), "connected with " + md.getDriverName() + " " + md.getDriverVersion());

            // Tables of the BI schema: views only, each selectable.
            List<String> views = new ArrayList<>();
            boolean onlyViews = true;
            try (ResultSet rs = md.getTables(null, "tweetlda_bi", "%", null)) {
                while (rs.next()) {
                    views.add(rs.getString("TABLE_NAME"));
                    if (!"VIEW".equals(rs.getString("TABLE_TYPE"))) onlyViews = false;
                    check(rs.getString("REMARKS") != null, "view " + rs.getString("TABLE_NAME") + " has a comment");
                }
            }
            System.out.println("views: " + String.join(",", views));
            check(onlyViews && views.size() >= 8, "schema tweetlda_bi lists " + views.size() + " objects, all views");
            // Columns: scalar JDBC types, each with a comment.
            Set<Integer> nonScalar = Set.of(Types.ARRAY, Types.OTHER, Types.STRUCT, Types.JAVA_OBJECT,
                                            Types.BLOB, Types.BINARY, Types.DISTINCT, Types.REF);
            int columns = 0, bad = 0, uncommented = 0;
            try (ResultSet rs = md.getColumns(null, "tweetlda_bi", "%", "%")) {
                while (rs.next()) {
                    columns++;
                    if (nonScalar.contains(rs.getInt("DATA_TYPE"))) {
                        bad++;
                        System.out.println("non-scalar column " + rs.getString("TABLE_NAME") + "." + rs.getString("COLUMN_NAME") + " " + rs.getString("TYPE_NAME"));
                    }
                    if (rs.getString("REMARKS") == null) uncommented++;
                }
            }
            check(columns > 50 && bad == 0, columns + " columns, all of scalar types");
            check(uncommented == 0, "every column has a comment");
            for (String v : views) {
                boolean readable;
                try { rows(c, "SELECT * FROM tweetlda_bi." + v + " LIMIT 1"); readable = true; }
                catch (SQLException e) { readable = false; System.out.println(e.getMessage()); }
                check(readable, "the dashboard login can open tweetlda_bi." + v);
            }

            // The classic pipeline's three analysis queries.
            List<String> a1 = rows(c, "SELECT s.tweet_id, s.label, round(s.topic_weight::numeric, 2), s.sentiment, left(s.text, 40) "
                + "FROM tweetlda_bi.scored_tweets s ORDER BY s.tweet_id LIMIT 8");
            List<String> mix = rows(c, "SELECT tweet_id, topic, round(weight::numeric, 3) FROM tweetlda_bi.tweet_topics "
                + "WHERE tweet_id IN (SELECT tweet_id FROM tweetlda_bi.scored_tweets ORDER BY tweet_id LIMIT 8) ORDER BY 1, 2");
            a1.forEach(r -> System.out.println("analysis1 " + r));
            check(a1.size() == 8 && mix.size() == 8 * 5, "analysis 1: sample tweets with their topic mix and sentiment");
            List<String> a2 = rows(c, "SELECT topic, label, tweets, round(share::numeric, 3) FROM tweetlda_bi.topics ORDER BY topic");
            a2.forEach(r -> System.out.println("analysis2 " + r));
            check(a2.size() >= 5, "analysis 2: tweets per topic");
            List<String> a3 = rows(c, "SELECT topic, label, sentiment, tweets FROM tweetlda_bi.topic_sentiment ORDER BY topic, sentiment");
            check(a3.size() >= 15, "analysis 3: tweets per topic by sentiment label (" + a3.size() + " rows)");
            long total = 0;
            for (String r : a3) total += Long.parseLong(r.split("\t")[3]);
            check(total == Long.parseLong(rows(c, "SELECT count(*) FROM tweetlda_bi.scored_tweets").get(0)),
                  "analysis 3 counts every scored tweet (" + total + ")");

            // A parameterized timeline query.
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT bucket, topic, label, tweets FROM tweetlda_bi.topic_timeline "
                    + "WHERE bucket >= ? AND topic = ? ORDER BY bucket")) {
                ps.setObject(1, OffsetDateTime.now().minusHours(24));
                ps.setInt(2, 2);
                int n = 0;
                long sum = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) { n++; sum += rs.getLong("tweets"); rs.getObject("bucket", OffsetDateTime.class); }
                }
                check(n > 0 && sum > 0, "parameterized timeline: " + n + " hours, " + sum + " tweets of topic 2 in the last 24 hours");
            }

            // The stream status: the serving model, the rescoring progress and the latest drift
            // check of the active model (the test ran one), typed for a BI tool.
            Map<String, Integer> statusTypes = new HashMap<>();
            try (ResultSet rs = md.getColumns(null, "tweetlda_bi", "stream_status", "%")) {
                while (rs.next()) statusTypes.put(rs.getString("COLUMN_NAME"), rs.getInt("DATA_TYPE"));
            }
            check(statusTypes.get("serving_model_id") == Types.INTEGER && statusTypes.get("rescore_done") == Types.BIGINT
                  && statusTypes.get("drifted") == Types.BIT && statusTypes.get("drift_status") == Types.VARCHAR
                  && statusTypes.get("drift_topic_jsd") == Types.DOUBLE
                  && statusTypes.get("drift_checked_at") == Types.TIMESTAMP,
                  "stream_status has the serving model, rescoring and drift columns with scalar types");
            List<String> st = rows(c, "SELECT serving_model_name, rescoring, drift_status, drift_sampled > 0, "
                + "drift_checked_at IS NOT NULL, drift_oov_rate_increase IS NOT NULL FROM tweetlda_bi.stream_status");
            st.forEach(r -> System.out.println("status " + r));
            check(st.size() == 1 && st.get(0).matches("stream_test\tf\t(ok|drifted)\tt\tt\tt"),
                  "stream_status shows the serving model and the latest drift check");

            // Writes and raw tables are refused (42501: insufficient privilege; 25006: read-only).
            String[] refused = {
                "INSERT INTO tweetlda.tweets (id, text, raw) VALUES (1, 'x', '{}')",
                "UPDATE tweetlda.models SET active = false",
                "DELETE FROM tweetlda.tweet_scores",
                "SELECT count(*) FROM tweetlda.tweet_scores",
                "SELECT count(*) FROM tweetlda.tweets",
                "SELECT count(*) FROM tweetlda.score_rollup",
                "SELECT model FROM tweetlda.models",
                "SELECT count(*) FROM tweetlda.drift_history",
                "SELECT count(*) FROM tweetlda.stream_state",
                "CREATE TABLE tweetlda_bi.x (a int)",
                "CREATE VIEW tweetlda_bi.y AS SELECT 1",
            };
            for (String sql : refused) {
                String state = refusal(c, sql);
                check(state.equals("42501"), "refused with 42501: " + sql + " (got " + state + ")");
            }
        }
        System.out.println(failures == 0 ? "done" : failures + " failures");
        System.exit(failures == 0 ? 0 : 1);
    }
}
