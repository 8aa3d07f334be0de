# The whole lifecycle loop (issue 11, "a database left alone with schedule_retraining and
# schedule_drift_check keeps a fresh model with stable topic numbers"), with pg_cron preloaded and
# the stream worker running. A model is trained on CrisisLex tweets (../shared/data) and its
# topics named; the drift check and the drift-triggered retraining are scheduled every minute (the
# monthly retraining on a schedule that does not fire during the test). A stream of the training
# distribution lands: the cron check says not drifted and nothing is retrained. Then a shifted
# stream (AI/ML tweets) lands and, with no other call, the cron drift check records drifted, the
# drift job retrains on the window, promotes and activates the new version, the worker rescores
# the window in the background and switches the serving model, matched topics keep their numbers
# and names, every tweet has exactly one score per model, the views show one model (the BI status
# view too, as the dashboard login reads it), and the new model's next check says not drifted.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $root = $ENV{TWEETLDA_ROOT} or die "TWEETLDA_ROOT is not set";
my $crisis = "$root/../shared/data/crisislex/crisislex_tweets_combined.csv.gz";
my $aiml = "$root/../shared/data/ai_ml_tweets/ai_ml_tweets_combined.csv.gz";
plan skip_all => "tweet corpora not found under $root/../shared/data (../shared is absent): loop test skipped"
	unless -r $crisis && -r $aiml;

my $node = PostgreSQL::Test::Cluster->new('lifecycle_loop');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
cron.use_background_workers = on
max_worker_processes = 16
});
$node->start;
my $db = 'postgres';
$node->safe_psql($db, 'CREATE EXTENSION tweetlda; CREATE EXTENSION pg_cron');

# The corpora: pools of distinct texts in a fixed pseudo-random order (as 110_lifecycle_drift).
$node->safe_psql($db, qq{
	CREATE TABLE crisis_raw (collection text, event text, tweet_id bigint, created_at text,
		cas text, text text, a text, b text, c text, e text);
	COPY crisis_raw FROM PROGRAM 'gzip -dc $crisis' WITH (FORMAT csv, HEADER);
	CREATE TABLE aiml_raw (source_file text, tweet_id bigint, created_at text, lang text,
		usr text, text text, q text);
	COPY aiml_raw FROM PROGRAM 'gzip -dc $aiml' WITH (FORMAT csv, HEADER);
	CREATE TABLE pool_train AS SELECT row_number() OVER (ORDER BY md5(text)) AS n, text
		FROM (SELECT DISTINCT text FROM crisis_raw WHERE abs(hashtext(text)) % 2 = 0) q;
	CREATE TABLE pool_crisis AS SELECT row_number() OVER (ORDER BY md5(text)) AS n, text
		FROM (SELECT DISTINCT text FROM crisis_raw WHERE abs(hashtext(text)) % 2 = 1) q;
	CREATE TABLE pool_aiml AS SELECT row_number() OVER (ORDER BY md5(text)) AS n, text
		FROM (SELECT DISTINCT text FROM aiml_raw) q;
	CREATE ROLE dash LOGIN IN ROLE tweetlda_dashboard;});

# ---- The setup a user does (doc/lifecycle.md, "The loop").
$node->safe_psql($db, q{
	SELECT tweetlda.train('crisis', 'SELECT text FROM pool_train WHERE n <= 20000', k => 10);
	INSERT INTO tweetlda.topic_names (model_id, topic, name)
	SELECT m.id, t, 'crisis topic ' || t FROM tweetlda.models m, generate_series(1, 10) t
	WHERE m.name = 'crisis';
	SELECT tweetlda.start_stream('100 ms', 5000);
	SELECT tweetlda.schedule_drift_check('* * * * *');
	SELECT tweetlda.schedule_retraining('crisis', schedule => '0 3 1 1 *', on_drift => true,
	                                    drift_schedule => '* * * * *');});
my $v1 = $node->safe_psql($db, "SELECT id FROM tweetlda.models WHERE name = 'crisis' AND active");
ok($v1, 'the trained model is active');
is($node->safe_psql($db, 'SELECT jobname, schedule FROM cron.job ORDER BY jobname'),
	"tweetlda drift check|* * * * *\ntweetlda retrain crisis|0 3 1 1 *\n"
	  . "tweetlda retrain on drift crisis|* * * * *",
	'three cron jobs: the drift check, the yearly retraining, the drift-triggered retraining');

# Land tweets through the stream's entry (one statement: a tick sees all of them or none) and
# wait until the worker has scored them; returns the time they were all scored.
sub land
{
	my ($crisis_from, $crisis_to, $aiml_n) = @_;
	$node->safe_psql($db, qq{
		SELECT tweetlda.ingest_batch(ARRAY(
			SELECT jsonb_build_object('id', n, 'text', text)::text FROM pool_crisis
			WHERE n BETWEEN $crisis_from AND $crisis_to
			UNION ALL
			SELECT jsonb_build_object('id', 1000000000000 + n, 'text', text)::text FROM pool_aiml
			WHERE n <= $aiml_n))});
	return $node->safe_psql($db, 'SELECT clock_timestamp()');
}

# The first drift check after time $since (a real cron tick): drifted|status|exceeded figures.
sub check_after
{
	my ($since, $what) = @_;
	ok($node->poll_query_until($db, qq{
		SELECT EXISTS (SELECT 1 FROM tweetlda.drift_history WHERE checked_at > '$since')}),
		"a cron tick checked for drift: $what")
	  or diag($node->safe_psql($db, 'SELECT * FROM cron.job_run_details ORDER BY runid DESC LIMIT 5'));
	return $node->safe_psql($db, qq{
		SELECT drifted, status,
		       (SELECT coalesce(string_agg(c.key, ',' ORDER BY c.key), '') FROM jsonb_each(figures -> 'checks') c
		        WHERE (c.value ->> 'exceeded')::boolean), model_id, id
		FROM tweetlda.drift_history WHERE checked_at > '$since' ORDER BY checked_at, id LIMIT 1});
}

# ---- A stream of the training distribution: no drift, no run.
my $t0 = land(1, 5000, 0);
ok($node->poll_query_until($db, q{
	SELECT count(*) = 5000 FROM tweetlda.tweet_scores}), 'the worker scored the first 5000 tweets');
my $scored = $node->safe_psql($db, 'SELECT clock_timestamp()');
my $check = check_after($scored, 'the unshifted stream');
like($check, qr/^f\|ok\|\|$v1\|/, 'a stream of the training distribution does not drift') or diag($check);
is($node->safe_psql($db, q{SELECT tweetlda.retrain_due('crisis'), count(*) FROM tweetlda.model_runs}),
	'f|0', 'no retraining is due and none ran');

# ---- A shifted stream: 2000 more CrisisLex and 3000 AI/ML tweets (30% of the day's window).
my $t1 = land(5001, 7000, 3000);
note("shifted stream landed at $t1");
# From here on the test only reads: cron, the retraining and the worker do the rest.
$check = check_after($t1, 'the shifted stream');
like($check, qr/^t\|drifted\|[a-z_,]*oov_rate_increase[a-z_,]*\|$v1\|/,
	'the cron drift check records drifted') or diag($check);
my ($drift_id) = $check =~ /\|(\d+)$/;

ok($node->poll_query_until($db, q{
	SELECT EXISTS (SELECT 1 FROM tweetlda.model_runs WHERE decision <> 'running')}),
	'the drift job ran a retraining')
  or diag($node->safe_psql($db, 'SELECT * FROM cron.job_run_details ORDER BY runid DESC LIMIT 5'));
is($node->safe_psql($db, qq{
	SELECT r.started_by, r.decision, r.reason LIKE 'drift detected%', r.rows, r.active_id,
	       c.name, c.version, c.origin, c.parent_id,
	       (SELECT h.drifted AND h.model_id = r.active_id AND h.id >= $drift_id FROM tweetlda.drift_history h
	        WHERE h.id = (r.figures ->> 'drift_id')::bigint)
	FROM tweetlda.model_runs r JOIN tweetlda.models c ON c.id = r.candidate_id}),
	"drift|promoted|t|10000|$v1|crisis\@2|2|retrain|$v1|t",
	'one run, started by drift (the latest drifted check of crisis), trained crisis@2 on the 10000 tweets of the window and promoted it');
my $v2 = $node->safe_psql($db, "SELECT id FROM tweetlda.models WHERE name = 'crisis\@2'");
is($node->safe_psql($db, 'SELECT id FROM tweetlda.models WHERE active'), $v2, 'crisis@2 is active');

# The worker rescores the window in the background, then the views switch.
ok($node->poll_query_until($db, qq{
	SELECT serving_model = $v2 AND rescore_finished_at IS NOT NULL FROM tweetlda.stream_status()}),
	'the background rescoring switched the serving model to crisis@2');
is($node->safe_psql($db, q{
	SELECT rescore_model, rescore_done, rescore_total FROM tweetlda.stream_status()}),
	"$v2|10000|10000", 'the whole window was rescored');

# Topic identity: matched topics keep their numbers and names.
my $lineage = $node->safe_psql($db, qq{
	SELECT count(*), count(*) FILTER (WHERE l.topic = l.parent_topic),
	       count(*) FILTER (WHERE cn.name IS NOT DISTINCT FROM pn.name AND cn.name IS NOT NULL)
	FROM tweetlda.topic_lineage l
	LEFT JOIN tweetlda.topic_names pn ON pn.model_id = l.parent_model_id AND pn.topic = l.parent_topic
	LEFT JOIN tweetlda.topic_names cn ON cn.model_id = l.model_id AND cn.topic = l.topic
	WHERE l.model_id = $v2 AND l.parent_model_id = $v1});
note("topic lineage of crisis\@2: " . $node->safe_psql($db, qq{
	SELECT string_agg(l.topic || '<-' || l.parent_topic || ' ' || round(l.similarity::numeric, 2), ', ' ORDER BY l.topic)
	FROM tweetlda.topic_lineage l WHERE l.model_id = $v2}));
my ($matched, $same_number, $same_name) = split /\|/, $lineage;
ok($matched >= 1, "topics of crisis\@2 matched to crisis ($matched of 10)");
is("$same_number|$same_name", "$matched|$matched", 'every matched topic keeps its number and its name');
is($node->safe_psql($db, qq{
	SELECT count(*) FROM tweetlda.topic_names n WHERE n.model_id = $v2
	AND NOT EXISTS (SELECT 1 FROM tweetlda.topic_lineage l WHERE l.model_id = $v2 AND l.topic = n.topic)}),
	'0', 'new topics get no name');
# the drift baseline of crisis@2 (its held-out slice's top topics) counts in the new numbering
my $heldout = $node->safe_psql($db, 'SELECT tweetlda.retrain_heldout_source(r) FROM tweetlda.model_runs r');
is($node->safe_psql($db, qq{
	SELECT (SELECT metrics #> '{baseline,topic_counts}' FROM tweetlda.models WHERE id = $v2)
	       = tweetlda.drift_counts(array_agg(tweetlda.top_topic(m.model, h.doc, NULL::text)))
	FROM ($heldout) h, tweetlda.models m WHERE m.id = $v2}),
	't', 'the drift baseline of crisis@2 counts its topics by their new numbers');
# how much the timeline by topic number moves: the CrisisLex tweets of the first stream whose top
# topic under crisis@2 is a matched topic and the same number as under crisis
note('same top topic under both models, matched topics, first stream: ' . $node->safe_psql($db, qq{
	SELECT round(avg((a.top_topic = b.top_topic)::int), 3)
	FROM tweetlda.tweet_scores a JOIN tweetlda.tweet_scores b ON b.tweet_id = a.tweet_id
	WHERE a.model_id = $v1 AND b.model_id = $v2 AND a.tweet_id <= 5000
	  AND a.top_topic IN (SELECT parent_topic FROM tweetlda.topic_lineage WHERE model_id = $v2)}));

# Scores: one per tweet and model, none lost.
is($node->safe_psql($db, q{
	SELECT m.name, count(s.tweet_id), count(DISTINCT s.tweet_id),
	       (SELECT count(*) FROM tweetlda.tweets t WHERE NOT EXISTS
	          (SELECT 1 FROM tweetlda.tweet_scores x WHERE x.tweet_id = t.id AND x.model_id = m.id))
	FROM tweetlda.models m LEFT JOIN tweetlda.tweet_scores s ON s.model_id = m.id
	GROUP BY m.id, m.name ORDER BY m.id}),
	"crisis|10000|10000|0\ncrisis\@2|10000|10000|0",
	'every tweet has exactly one score of each model (the previous one kept for rollback)');
is($node->safe_psql($db, 'SELECT count(*) FROM tweetlda.pending'), '0', 'the queue is empty');

# The views show crisis@2 only, whole.
is($node->safe_psql($db, qq{
	SELECT (SELECT array_agg(DISTINCT model_id) FROM tweetlda.scored_tweets),
	       (SELECT array_agg(DISTINCT model_id) FROM tweetlda_bi.scored_tweets),
	       (SELECT sum(tweets) FROM tweetlda.topic_summary),
	       (SELECT sum(tweets) FROM tweetlda_bi.topics),
	       (SELECT string_agg(DISTINCT model_id::text, ',') FROM tweetlda_bi.topic_labels WHERE serving)}),
	"{$v2}|{$v2}|10000|10000|$v2", 'the views show one model, crisis@2, with every tweet');

# ---- The fresh model is checked in turn and does not drift on the stream it was trained on.
my $switched = $node->safe_psql($db, 'SELECT rescore_finished_at FROM tweetlda.stream_status()');
$check = check_after($switched, 'crisis@2');
like($check, qr/^f\|ok\|\|$v2\|/, 'the next cron check checks crisis@2: not drifted') or diag($check);
is($node->safe_psql($db, q{SELECT tweetlda.retrain_due('crisis'), count(*) FROM tweetlda.model_runs}),
	'f|1', 'no retraining is due, no other run');
is($node->safe_psql($db, q{SELECT count(*) FROM cron.job_run_details WHERE status <> 'succeeded'}),
	'0', 'every cron run succeeded');

# How long the loop took, from the shifted stream's landing.
my $timing = $node->safe_psql($db, qq{
	SELECT round(extract(epoch FROM h.checked_at - '$t1'::timestamptz)::numeric, 1),
	       round(extract(epoch FROM r.started_at - '$t1'::timestamptz)::numeric, 1),
	       round(extract(epoch FROM r.finished_at - r.started_at)::numeric, 1),
	       round(extract(epoch FROM s.rescore_finished_at - s.rescore_started_at)::numeric, 1),
	       round(extract(epoch FROM s.rescore_finished_at - '$t1'::timestamptz)::numeric, 1)
	FROM tweetlda.drift_history h, tweetlda.model_runs r, tweetlda.stream_status() s
	WHERE h.id = $drift_id});
my @t = split /\|/, $timing;
diag("loop: drift recorded $t[0] s after the shifted stream landed; retraining started at $t[1] s, "
	  . "took $t[2] s (train, evaluate, activate); window rescored in $t[3] s; views switched $t[4] s "
	  . "after the landing");

$node->safe_psql($db, q{SELECT tweetlda.unschedule_retraining('crisis'), tweetlda.unschedule_drift_check(),
	tweetlda.stop_stream()});
$node->stop;
done_testing();
