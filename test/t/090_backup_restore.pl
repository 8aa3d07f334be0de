# Backups: a database with landed tweets in several day partitions, scores, a model, user
# stopwords and user lexicon rows survives pg_dump | pg_restore --exit-on-error (same cluster,
# and a new cluster without the extension's roles) and pg_dumpall | psql -v ON_ERROR_STOP=1 into
# a new cluster, with the same query results; ingestion and scoring go on after the restore.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
BEGIN { require "$FindBin::Bin/060_stream_common.pm"; StreamTest->import; }

my $tmp = PostgreSQL::Test::Utils::tempdir;
my $node = PostgreSQL::Test::Cluster->new('backup_src');
$node->init;
$node->start;
my $db = 'tweets';
$node->safe_psql('postgres', "CREATE DATABASE $db");
$node->safe_psql($db, 'CREATE EXTENSION tweetlda');
load_sample($node, $db);

# Landed tweets spread over four day partitions (today's and tomorrow's are made by ingest).
land_tweets($node, $db, 1, 800);
$node->safe_psql($db, q{
	SELECT tweetlda.ensure_partition(now() - make_interval(days => d)) FROM generate_series(2, 6, 2) d;
	UPDATE tweetlda.tweets SET received_at = received_at - make_interval(days => 2 * (id % 4)::int);
	UPDATE tweetlda.tweet_ids SET received_at = received_at - make_interval(days => 2 * (id % 4)::int);
	SELECT tweetlda.ingest_batch(ARRAY['not json', '{"id": "x"}']);
	SELECT tweetlda.set_retention('400 days');});
cmp_ok($node->safe_psql($db, q{SELECT count(DISTINCT tableoid) FROM tweetlda.tweets}),
	'>=', 4, 'tweets lie in at least four day partitions');

# User rows of every user-editable table, a model, the scores and a user view on top.
$node->safe_psql($db, q{
	INSERT INTO tweetlda.stopwords (language, word) VALUES ('english', 'flood'), ('english', 'fire');
	INSERT INTO tweetlda.sentiment_lexicon (word, polarity, subjectivity) VALUES ('floodish', -0.75, 0.5);
	INSERT INTO tweetlda.social_lexicon (token, valence) VALUES ('floodish', -3.5);
	INSERT INTO tweetlda.social_emoji (emoji, description, valence) VALUES ('🫠', 'melting face', 1.25);
	CREATE ROLE backup_producer LOGIN IN ROLE tweetlda_ingest;
	CREATE ROLE backup_viewer LOGIN IN ROLE tweetlda_dashboard;});
setup_model($node, $db);
$node->safe_psql($db, q{
	SELECT tweetlda.process_pending(100000);
	SELECT tweetlda.create_wide_view('public.scored_tweets_wide');});
is($node->safe_psql($db, 'SELECT count(*) FROM tweetlda.tweet_scores'), '800', 'every tweet scored');

# The query results a restore must keep (each line: a name and an md5 of the rows).
my @queries = (
	[ partitions => q{SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i
		JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'tweetlda.tweets'::regclass} ],
	[ partition_indexes => q{SELECT tablename, indexname, indexdef FROM pg_indexes
		WHERE schemaname = 'tweetlda' AND tablename ~ '^tweets_[0-9]{8}$'} ],
	[ tweets => q{SELECT tableoid::regclass, id, seq, received_at, created_at, lang, author, text, raw
		FROM tweetlda.tweets} ],
	[ tweet_ids => 'SELECT * FROM tweetlda.tweet_ids' ],
	[ rejected => 'SELECT * FROM tweetlda.rejected' ],
	[ retention => 'SELECT * FROM tweetlda.ingest_settings' ],
	[ scores => 'SELECT * FROM tweetlda.tweet_scores' ],
	[ models => 'SELECT id, name, k, params, metrics, model::text, active FROM tweetlda.models' ],
	[ stopwords => 'SELECT * FROM tweetlda.stopwords' ],
	[ sentiment_lexicon => 'SELECT * FROM tweetlda.sentiment_lexicon' ],
	[ social_lexicon => 'SELECT * FROM tweetlda.social_lexicon' ],
	[ social_emoji => 'SELECT * FROM tweetlda.social_emoji' ],
	[ tokenize => q{SELECT tweetlda.tokenize('Flood and fire in the town, floodish river')} ],
	[ polarity => q{SELECT tweetlda.polarity('so floodish 🫠', 'social'),
		tweetlda.polarity('so floodish', 'textblob')} ],
	[ topics => q{SELECT tweetlda.topics('stream_test', text) FROM public.sample WHERE rn <= 50} ],
	[ scored_tweets => 'SELECT * FROM tweetlda.scored_tweets' ],
	[ topic_summary => 'SELECT * FROM tweetlda.topic_summary' ],
	[ topic_sentiment => 'SELECT * FROM tweetlda.topic_sentiment' ],
	[ topic_timeline => 'SELECT * FROM tweetlda.topic_timeline' ],
	[ wide_view => 'SELECT * FROM public.scored_tweets_wide' ],
	[ sequences => q{SELECT (SELECT last_value FROM tweetlda.tweets_seq),
		(SELECT last_value FROM tweetlda.models_id_seq),
		(SELECT last_value FROM tweetlda.sentiment_lexicon_id_seq)} ],
	[ dashboard_grants => q{SELECT c.relname, has_table_privilege('tweetlda_dashboard', c.oid, 'SELECT')
		FROM pg_class c WHERE c.relnamespace = 'tweetlda'::regnamespace AND c.relkind = 'v'} ],
	[ ingest_grants => q{SELECT has_function_privilege('tweetlda_ingest', 'tweetlda.ingest_batch(text[])', 'EXECUTE'),
		has_table_privilege('tweetlda_ingest', 'tweetlda.ingest_staging', 'INSERT'),
		has_table_privilege('tweetlda_ingest', 'tweetlda.tweets', 'SELECT')} ],
);

# The results of @queries in database d of node n, in a stable order.
sub results
{
	my ($n, $d) = @_;
	my %r;
	for my $q (@queries)
	{
		$r{ $q->[0] } = $n->safe_psql($d,
			"SELECT count(*) || ' ' || md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), ''))
			 FROM ($q->[1]) x");
	}
	return \%r;
}

# Compare every result of database d on node n with the source's.
sub same_results
{
	my ($n, $d, $want, $what) = @_;
	my $got = results($n, $d);
	is($got->{$_->[0]}, $want->{$_->[0]}, "$what: same $_->[0]") for @queries;
}

# After a restore, ingestion (a duplicate stays a duplicate, a new id lands) and scoring go on.
sub still_works
{
	my ($n, $d, $what) = @_;
	is($n->safe_psql($d, q{SELECT ingested || '/' || duplicates FROM tweetlda.ingest_batch(ARRAY[
			'{"id": 5, "text": "again"}', '{"id": 100000, "text": "a new flood of tweets"}'])}),
		'1/1', "$what: a landed id is still a duplicate, a new one lands");
	$n->safe_psql($d, 'SELECT tweetlda.process_pending(100)');
	is($n->safe_psql($d, 'SELECT count(*) FROM tweetlda.tweet_scores WHERE tweet_id = 100000'),
		'1', "$what: the new tweet is scored by the restored model");
}

my $want = results($node, $db);
my $bindir = $node->config_data('--bindir');
my $srcconn = $node->connstr($db);

# 1. pg_dump -Fc | pg_restore --exit-on-error into a new database of the same cluster.
my $dump = "$tmp/tweets.dump";
$node->command_ok([ "$bindir/pg_dump", '-Fc', '-f', $dump, '-d', $srcconn ], 'pg_dump -Fc');
$node->safe_psql('postgres', 'CREATE DATABASE restored');
$node->command_ok([ "$bindir/pg_restore", '--exit-on-error', '-d', $node->connstr('restored'), $dump ],
	'pg_restore --exit-on-error into the same cluster');
same_results($node, 'restored', $want, 'pg_restore');
still_works($node, 'restored', 'pg_restore');

# 2. The same dump into a new cluster that has never seen the extension (CREATE EXTENSION in the
# restore makes the roles; the login roles are globals, not part of a database dump).
my $other = PostgreSQL::Test::Cluster->new('backup_other');
$other->init;
$other->start;
$other->safe_psql('postgres', 'CREATE DATABASE restored');
$other->command_ok([ "$bindir/pg_restore", '--exit-on-error', '-d', $other->connstr('restored'), $dump ],
	'pg_restore --exit-on-error into a new cluster');
same_results($other, 'restored', $want, 'pg_restore, new cluster');
$other->stop;

# 3. pg_dumpall | psql -v ON_ERROR_STOP=1 into a new cluster: roles (the extension's and the
# login roles granted them) come first, then CREATE EXTENSION finds the roles in place.  The new
# cluster's bootstrap superuser has another name: pg_dumpall emits CREATE ROLE for every role,
# the one it ran as included, and that statement fails where the role exists (any database).
my $all = "$tmp/all.sql";
$node->command_ok([ "$bindir/pg_dumpall", '-f', $all, '-d', $node->connstr('postgres') ], 'pg_dumpall');
my $new = PostgreSQL::Test::Cluster->new('backup_all');
$new->init(extra => [ '-U', 'restorer' ]);
$new->start;
{
	local $ENV{PGUSER} = 'restorer';
	$new->command_ok([ "$bindir/psql", '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', $all,
		'-d', $new->connstr('postgres') ], 'pg_dumpall output restores with ON_ERROR_STOP=1');
	same_results($new, $db, $want, 'pg_dumpall');
	is($new->safe_psql('postgres', q{
		SELECT string_agg(m.rolname || '>' || r.rolname, ',' ORDER BY m.rolname)
		FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member
		WHERE r.rolname LIKE 'tweetlda%'}),
		'backup_producer>tweetlda_ingest,backup_viewer>tweetlda_dashboard',
		'pg_dumpall: the login roles are members of the extension roles again');
	still_works($new, $db, 'pg_dumpall');
}
$new->stop;

# 4. A 0.1.0 database with partitions (key and indexes inherited from the parent), updated to
# the current version: every partition has its own key and indexes, and the dump restores.
$node->safe_psql('postgres', 'CREATE DATABASE old');
$node->safe_psql('old', q{
	CREATE EXTENSION tweetlda VERSION '0.1.0';
	SELECT tweetlda.ingest_batch(ARRAY['{"id": 1, "text": "one"}', '{"id": 2, "text": "two"}']);
	SELECT tweetlda.ensure_partition(now() - interval '3 days');
	UPDATE tweetlda.tweets SET received_at = received_at - interval '3 days' WHERE id = 2;
	UPDATE tweetlda.tweet_ids SET received_at = received_at - interval '3 days' WHERE id = 2;
	ALTER EXTENSION tweetlda UPDATE;
	SELECT tweetlda.ensure_partition(now() + interval '7 days');});
is($node->safe_psql('old', q{
	SELECT count(*) FILTER (WHERE i.indisprimary) || '/' || count(*) || '/' || count(DISTINCT i.indrelid)
	       || '/' || count(*) FILTER (WHERE EXISTS (SELECT FROM pg_inherits h WHERE h.inhrelid = i.indexrelid))
	FROM pg_index i JOIN pg_inherits p ON p.inhrelid = i.indrelid
	WHERE p.inhparent = 'tweetlda.tweets'::regclass}),
	'6/18/6/0', 'after the update every partition (old and new) has its own key and two indexes, none inherited');
is($node->safe_psql('old', q{SELECT count(*) FROM pg_index WHERE indrelid = 'tweetlda.tweets'::regclass}),
	'0', 'after the update the parent has no index');
$node->command_ok([ "$bindir/pg_dump", '-Fc', '-f', "$tmp/old.dump", '-d', $node->connstr('old') ],
	'pg_dump of the updated database');
$node->safe_psql('postgres', 'CREATE DATABASE old_restored');
$node->command_ok([ "$bindir/pg_restore", '--exit-on-error', '-d', $node->connstr('old_restored'),
	"$tmp/old.dump" ], 'pg_restore --exit-on-error of the updated database');
is($node->safe_psql('old_restored', q{SELECT string_agg(tableoid::regclass || ':' || id, ',' ORDER BY id)
	FROM tweetlda.tweets}),
	$node->safe_psql('old', q{SELECT string_agg(tableoid::regclass || ':' || id, ',' ORDER BY id)
	FROM tweetlda.tweets}), 'the updated database restores with its partitions');
$node->stop;
done_testing();
