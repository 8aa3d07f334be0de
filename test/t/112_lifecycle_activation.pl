# Activation and rollback with a running stream worker: another model is activated while tweets
# stream in; the views show the old model until the worker has rescored the window, then the new
# one, never a mix; counts add up to the tweets, no score is lost or written twice per model;
# progress is in stream_status(); a rollback to the previous model is served at once.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
BEGIN { require "$FindBin::Bin/060_stream_common.pm"; StreamTest->import; }

my $node = PostgreSQL::Test::Cluster->new('lifecycle_activation');
$node->init;
$node->append_conf('postgresql.conf', "max_worker_processes = 16\n");
$node->start;
my $db = 'postgres';
$node->safe_psql($db, 'CREATE EXTENSION tweetlda');
load_sample($node, $db);
setup_model($node, $db);
my $model_a = $node->safe_psql($db, "SELECT id FROM tweetlda.models WHERE name = 'stream_test'");

# Land tweets from..to, created in the last hour (inside the default 7-day window).
sub land_recent
{
	my ($from, $to) = @_;
	$node->safe_psql($db, qq{
		SELECT tweetlda.ingest_batch(ARRAY(
			SELECT jsonb_build_object('id', g, 'text', s.text,
			                          'created_at', now() - (g % 60) * interval '1 minute')::text
			FROM generate_series($from, $to) g JOIN public.sample s ON s.rn = g % 4000 + 1))});
}

# Every score write, with its model: no (tweet, model) may be written twice.
$node->safe_psql($db, q{
	CREATE TABLE public.score_log (tweet_id bigint NOT NULL, model_id integer NOT NULL);
	CREATE FUNCTION public.log_score() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN INSERT INTO public.score_log SELECT tweet_id, model_id FROM written; RETURN NULL; END $$;
	CREATE TRIGGER log_insert AFTER INSERT ON tweetlda.tweet_scores
		REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION public.log_score();
	CREATE TRIGGER log_update AFTER UPDATE ON tweetlda.tweet_scores
		REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION public.log_score();
	GRANT INSERT ON public.score_log TO tweetlda_stream;
	-- slow scoring down, so that the transition spans many batches
	CREATE FUNCTION public.slow() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN PERFORM pg_sleep(0.001); RETURN NEW; END $$;
	CREATE TRIGGER slow BEFORE INSERT ON tweetlda.tweet_scores
		FOR EACH ROW EXECUTE FUNCTION public.slow()});

land_recent(1, 2000);
my $pid = $node->safe_psql($db, "SELECT tweetlda.start_stream('100 ms', 200)");
ok($pid > 0, 'the stream worker runs');
ok($node->poll_query_until($db, q{SELECT count(*) = 2000 FROM tweetlda.tweet_scores}),
	'the first model scored the landed tweets');

# What the views show, in one snapshot: the serving model, whether every view shows only its
# scores and all of them, and the transition's state.
my $views_sql = q{
	SELECT s.serving,
	       (SELECT coalesce(array_agg(DISTINCT model_id), '{}') FROM tweetlda.scored_tweets)
	           = ARRAY[s.serving] AS one_model,
	       (SELECT coalesce(array_agg(DISTINCT model_id), '{}') FROM tweetlda_bi.scored_tweets)
	           = ARRAY[s.serving] AS bi_one_model,
	       (SELECT sum(tweets) FROM tweetlda.topic_summary) AS summary,
	       (SELECT sum(tweets) FROM tweetlda_bi.topics) AS bi_topics,
	       (SELECT count(*) FROM tweetlda.tweet_scores ts WHERE ts.model_id = s.serving) AS scores,
	       st.rescore_finished_at IS NULL AS rescoring, st.rescore_done, st.rescore_total
	FROM (SELECT tweetlda.serving_model() AS serving) s, tweetlda.stream_status() st};

$node->safe_psql($db, q{SELECT tweetlda.train('stream_b', 'SELECT text FROM public.sample', k => 7)});
my $model_b = $node->safe_psql($db, "SELECT id FROM tweetlda.models WHERE name = 'stream_b'");
is($node->safe_psql($db, "SELECT tweetlda.activate('stream_b')"), $model_b,
	'activate returns the new model');
is($node->safe_psql($db, q{SELECT serving_model, rescore_model, rescore_total,
		rescore_started_at IS NOT NULL, rescore_finished_at IS NULL FROM tweetlda.stream_status()}),
	"$model_a|$model_b|2000|t|t",
	'stream_status: the old model is served while the window of 2000 tweets is rescored');

# Tweets stream in during the transition; sample the views until the worker is done.
my ($samples, $mixed, $partial, $during, $progress_seen, $last_done) = (0, 0, 0, 0, 0, -1);
my $monotonic = 1;
my $landed = 2000;
for my $i (1 .. 600)
{
	if ($i % 10 == 1 && $landed < 2400)
	{
		land_recent($landed + 1, $landed + 50);
		$landed += 50;
	}
	my @v = split /\|/, $node->safe_psql($db, $views_sql);
	$samples++;
	$mixed++ if $v[1] ne 't' || $v[2] ne 't';
	$partial++ if $v[3] != $v[5] || $v[4] != $v[5];
	if ($v[6] eq 't')
	{
		$during++;
		$mixed++ if $v[0] != $model_a;
		$progress_seen++ if $v[7] > 0 && $v[7] < $v[8];
		$monotonic = 0 if $v[7] < $last_done;
		$last_done = $v[7];
	}
	last if $v[6] eq 'f' && $landed >= 2400;
	select(undef, undef, undef, 0.05);
}
ok($during > 0, "the views were sampled during the transition ($during of $samples samples)");
is($mixed, 0, 'the views showed one model at a time, the old one until the rescoring finished');
is($partial, 0, 'every view counted all scores of the serving model');
ok($progress_seen > 0 && $monotonic, 'stream_status showed the rescoring progress growing');
ok($node->poll_query_until($db, q{SELECT count(*) = 0 FROM tweetlda.pending}),
	'the queue is empty');
is($node->safe_psql($db, $views_sql),
	"$model_b|t|t|$landed|$landed|$landed|f|2000|2000",
	'after the rescoring the views show the new model, with every tweet');
# The old model scored the tweets that landed during the transition too; those that landed
# after the switch are scored with the new model only.
my $a_scores = $node->safe_psql($db,
	"SELECT count(*) FROM tweetlda.tweet_scores WHERE model_id = $model_a");
ok($a_scores > 2000 && $a_scores <= $landed,
	"the old model's scores are kept, with the tweets of the transition ($a_scores)");

# Exactly once per model.
is($node->safe_psql($db, q{SELECT count(*) FROM (SELECT 1 FROM public.score_log
	GROUP BY tweet_id, model_id HAVING count(*) > 1) d}), '0',
	'no tweet was scored twice by one model');
is($node->safe_psql($db, qq{SELECT count(*) FROM tweetlda.tweets t
	WHERE NOT EXISTS (SELECT 1 FROM tweetlda.tweet_scores s
	                  WHERE s.tweet_id = t.id AND s.model_id = $model_b)}), '0',
	'no score is missing: every tweet has a score of the new model');

# Rollback: the previous model's scores are kept, so it is served at once (its kept scores);
# the tweets it lacks are rescored in the background.
is($node->safe_psql($db, "SELECT tweetlda.activate('stream_test')"), $model_a, 'rollback');
my @v = split /\|/, $node->safe_psql($db, $views_sql);
is("$v[0]|$v[1]|$v[3]|$v[5]", "$model_a|t|$a_scores|$a_scores",
	'the rolled-back model is served at once, with its kept scores');
my $before = $landed;
land_recent($landed + 1, $landed + 100);
$landed += 100;
ok($node->poll_query_until($db, q{SELECT NOT EXISTS (SELECT 1 FROM tweetlda.pending)
	AND rescore_finished_at IS NOT NULL FROM tweetlda.stream_status()}),
	'the rollback finished');
is($node->safe_psql($db, $views_sql), "$model_a|t|t|$landed|$landed|$landed|f|$before|$before",
	'the views show every tweet with the rolled-back model');
is($node->safe_psql($db, "SELECT count(*) FROM tweetlda.tweet_scores WHERE model_id = $model_b"),
	$before, 'after the rollback new tweets are scored with the active model only');
is($node->safe_psql($db, q{SELECT count(*) FROM (SELECT 1 FROM public.score_log
	GROUP BY tweet_id, model_id HAVING count(*) > 1) d}), '0',
	'still no tweet scored twice by one model');

# Without keep_previous the worker prunes the scores of the model served before (and its rollup
# rows), in the background; the views do not change.
$node->safe_psql($db, 'UPDATE tweetlda.stream_state SET keep_previous = false');
ok($node->poll_query_until($db, qq{SELECT NOT EXISTS (SELECT 1 FROM tweetlda.tweet_scores
	WHERE model_id = $model_b) AND NOT EXISTS (SELECT 1 FROM tweetlda.score_rollup
	WHERE model_id = $model_b)}), "the worker pruned the previous model's scores");
is($node->safe_psql($db, $views_sql), "$model_a|t|t|$landed|$landed|$landed|f|$before|$before",
	'the views are unchanged by the pruning');
is($node->safe_psql($db, 'SELECT running, errors FROM tweetlda.stream_status()'), 't|0',
	'the worker ran without errors');
$node->safe_psql($db, 'SELECT tweetlda.stop_stream()');
$node->stop;
done_testing();
