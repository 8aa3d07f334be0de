# Stopword edits made in one session take effect in another session's next statement without
# reconnecting (also in its parallel workers), and the rows users add survive pg_dump/restore.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('text_stopwords');
$node->init;
$node->append_conf('postgresql.conf', "max_worker_processes = 8\nmax_parallel_workers = 4\n");
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE src');
$node->safe_psql('src', 'CREATE EXTENSION tweetlda');
$node->safe_psql('src',
	"CREATE TABLE docs AS SELECT 'the flood hits Calgary ' || g AS doc FROM generate_series(1, 2000) g");

# Session A stays connected; it builds its tokenizer and stopword cache first.
my $a = $node->background_psql('src');
my $q = "SELECT tweetlda.tokenize('the flood hits Calgary and Boston')";
is($a->query_safe($q), '{flood,hit,calgari,boston}', 'session A: default english stopwords');

# Session B adds stopwords: A sees them in its next statement.
$node->safe_psql('src',
	"INSERT INTO tweetlda.stopwords (language, word) VALUES ('english', 'calgary'), ('english', 'Boston')");
is($a->query_safe($q), '{flood,hit}', 'session A sees the stopwords added by session B');

# Session B deletes a built-in stopword and a noise word.
$node->safe_psql('src',
	"DELETE FROM tweetlda.stopwords WHERE (language, word) IN (('english', 'the'), ('twitter', 'via'))");
is($a->query_safe("SELECT tweetlda.tokenize('the flood via Boston')"), '{the,flood,via}',
	'session A sees the deletions of session B');

# An uncommitted change of session B is not seen; after its commit it is.
my $b = $node->background_psql('src');
$b->query_safe("BEGIN");
$b->query_safe("INSERT INTO tweetlda.stopwords (language, word) VALUES ('english', 'flood')");
is($a->query_safe("SELECT tweetlda.tokenize('the flood via Boston')"), '{the,flood,via}',
	'session A does not see an uncommitted insert');
$b->query_safe("COMMIT");
is($a->query_safe("SELECT tweetlda.tokenize('the flood via Boston')"), '{the,via}',
	'session A sees it after the commit');

# Parallel workers of session A load the current stopwords too.
$a->query_safe(
	"SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
	 SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off");
like($a->query_safe("EXPLAIN (COSTS OFF) SELECT count(*) FROM docs WHERE tweetlda.tokenize(doc) @> '{hit}'"),
	qr/Gather/, 'session A plans a parallel scan');
my $pq = "SELECT string_agg(DISTINCT t, ',' ORDER BY t) FROM docs, unnest(tweetlda.tokenize(doc)) t WHERE t !~ '^[0-9]'";
is($a->query_safe($pq), 'hit,the', 'parallel: current stopwords');
$node->safe_psql('src', "INSERT INTO tweetlda.stopwords (language, word) VALUES ('english', 'hits')");
is($a->query_safe($pq), 'the', 'parallel: stopword added by another session');
$b->quit;
$a->quit;

# pg_dump keeps the rows users added (builtin = false) and restores without conflicts.
my $dump = $node->basedir . '/src.dump';
command_ok([ 'pg_dump', '-Fc', '-d', $node->connstr('src'), '-f', $dump ], 'pg_dump');
$node->safe_psql('postgres', 'CREATE DATABASE dst');
command_ok([ 'pg_restore', '--exit-on-error', '-d', $node->connstr('dst'), $dump ], 'pg_restore');
is($node->safe_psql('dst',
	"SELECT string_agg(language || ':' || word, ',' ORDER BY language, word) FROM tweetlda.stopwords WHERE NOT builtin"),
	'english:Boston,english:calgary,english:flood,english:hits', 'user rows restored');
is($node->safe_psql('dst', "SELECT tweetlda.tokenize('the flood hits Calgary and Boston')"), '{}',
	'restored database tokenizes with the user rows');
is($node->safe_psql('dst', "SELECT count(*) FROM tweetlda.stopwords WHERE builtin"), '10647',
	'built-in rows come back with CREATE EXTENSION');

# DROP EXTENSION and CREATE EXTENSION in a session that has cached the stopwords: the new
# table (a new OID) is found and read.
my $c = $node->background_psql('dst');
is($c->query_safe("SELECT tweetlda.tokenize('the flood hits Calgary and Boston')"), '{}',
	'session C caches the restored stopwords');
$c->query_safe('DROP EXTENSION tweetlda CASCADE');
$c->query_safe('CREATE EXTENSION tweetlda');
is($c->query_safe("SELECT tweetlda.tokenize('the flood hits Calgary and Boston')"),
	'{flood,hit,calgari,boston}', 'session C reads the re-created table');
$c->quit;

$node->stop;
done_testing();
