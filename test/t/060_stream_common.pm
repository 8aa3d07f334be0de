# Shared by the 060_stream_*.pl TAP tests: landing tweets, the scoring model, and the
# exactly-once checks.
package StreamTest;
use strict;
use warnings;
use Test::More;
use Exporter 'import';
our @EXPORT = qw(load_sample land_tweets setup_model wait_scored add_score_log check_exactly_once);

# Load the bundled sample (4,000 real tweets) into public.sample (rn 1..4000).
sub load_sample
{
	my ($node, $db) = @_;
	my $root = $ENV{TWEETLDA_ROOT} or die "TWEETLDA_ROOT is not set";
	$node->safe_psql($db, qq{
		CREATE TABLE public.sample_raw (corpus text, tweet_id bigint, created_at timestamptz,
			lang text, text text, source_ref text);
		COPY public.sample_raw FROM '$root/data/sample/tweets_sample.csv' WITH (FORMAT csv, HEADER);
		CREATE TABLE public.sample AS
			SELECT row_number() OVER (ORDER BY tweet_id) AS rn, created_at, text FROM public.sample_raw;});
}

# Land the tweets with ids from..to through tweetlda.ingest_batch (texts of the sample).
sub land_tweets
{
	my ($node, $db, $from, $to) = @_;
	$node->safe_psql($db, qq{
		SELECT tweetlda.ingest_batch(ARRAY(
			SELECT jsonb_build_object('id', g, 'text', s.text, 'created_at', s.created_at)::text
			FROM generate_series($from, $to) g JOIN public.sample s ON s.rn = g % 4000 + 1))});
}

# Train a small model on the sample and activate it.
sub setup_model
{
	my ($node, $db) = @_;
	$node->safe_psql($db, q{
		SELECT tweetlda.train('stream_test', 'SELECT text FROM public.sample', k => 5);
		SELECT tweetlda.activate('stream_test')});
}

# Wait until at least n tweets are scored and the queue is empty.
sub wait_scored
{
	my ($node, $db, $n) = @_;
	ok($node->poll_query_until($db,
		"SELECT (SELECT count(*) FROM tweetlda.tweet_scores) >= $n
		    AND NOT EXISTS (SELECT 1 FROM tweetlda.pending)"),
		"$n tweets scored and the queue is empty");
}

# Log every committed score write (insert or update), to count scorings per tweet.
sub add_score_log
{
	my ($node, $db) = @_;
	$node->safe_psql($db, q{
		CREATE TABLE public.score_log (tweet_id bigint NOT NULL);
		CREATE FUNCTION public.log_score() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN INSERT INTO public.score_log SELECT tweet_id FROM written; RETURN NULL; END $$;
		CREATE TRIGGER log_insert AFTER INSERT ON tweetlda.tweet_scores
			REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION public.log_score();
		CREATE TRIGGER log_update AFTER UPDATE ON tweetlda.tweet_scores
			REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION public.log_score();
		INSERT INTO public.score_log SELECT tweet_id FROM tweetlda.tweet_scores;
		-- the worker writes scores as the role tweetlda_stream: its triggers run as that role
		GRANT INSERT ON public.score_log TO tweetlda_stream});
}

# Every landed tweet is scored or rejected, never both, and scored at most once.
sub check_exactly_once
{
	my ($node, $db) = @_;
	is($node->safe_psql($db, q{
		SELECT count(*) FROM tweetlda.tweets t
		WHERE NOT EXISTS (SELECT 1 FROM tweetlda.tweet_scores s WHERE s.tweet_id = t.id)
		  AND NOT EXISTS (SELECT 1 FROM tweetlda.rejected r WHERE r.tweet_id = t.id)}),
		'0', 'every landed tweet is scored or rejected');
	is($node->safe_psql($db, q{
		SELECT count(*) FROM (SELECT tweet_id FROM public.score_log
		                      GROUP BY tweet_id HAVING count(*) > 1) d}),
		'0', 'no tweet was scored twice');
	is($node->safe_psql($db, q{
		SELECT count(*) FROM tweetlda.tweet_scores s
		WHERE EXISTS (SELECT 1 FROM tweetlda.rejected r WHERE r.tweet_id = s.tweet_id)}),
		'0', 'no rejected tweet is scored');
	is($node->safe_psql($db, q{
		SELECT count(*) FROM tweetlda.tweet_scores s
		WHERE NOT EXISTS (SELECT 1 FROM public.score_log l WHERE l.tweet_id = s.tweet_id)}),
		'0', 'every score was logged once');
	is($node->safe_psql($db, 'SELECT count(*) FROM tweetlda.pending'), '0', 'the queue is empty');
}

1;
