# Ingest: the producer tweetlda-ingest (NDJSON from files and stdin, CSV, duplicates, malformed,
# unreadable and over-long records rejected with input name and line, CSV headers, batches split
# by size and around a record the server refuses, a server crash in the middle, exit codes, the
# ingest-only role).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use IPC::Run;
use Time::HiRes qw(usleep);
use Test::More;

my $root = $ENV{TWEETLDA_ROOT} or die "TWEETLDA_ROOT is not set";
my $tmp = PostgreSQL::Test::Utils::tempdir;

my $node = PostgreSQL::Test::Cluster->new('ingest');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION tweetlda');
my $db = $node->connstr('postgres');

# Run the producer; returns (exit code, stdout, stderr).
sub producer
{
	my ($args, $stdin) = @_;
	my ($out, $err) = ('', '');
	IPC::Run::run([ 'tweetlda-ingest', @$args ], '<', \($stdin // ''), '>', \$out, '2>', \$err);
	return ($? >> 8, $out, $err);
}

# Write a file in the temporary directory and return its path.
sub write_file
{
	my ($name, $content) = @_;
	my $path = "$tmp/$name";
	open(my $fh, '>:raw', $path) or die "$path: $!";
	print $fh $content;
	close $fh;
	return $path;
}

# The counts of the producer's final line.
sub done_counts
{
	my ($err) = @_;
	my ($read, $ing, $dup, $rej, $unr, $rec, $spl) = $err =~
	  /done: (\d+) read, (\d+) ingested, (\d+) duplicates, (\d+) rejected, (\d+) unreadable, (\d+) reconnects, (\d+) splits/;
	return { read => $read, ingested => $ing, duplicates => $dup, rejected => $rej,
		unreadable => $unr, reconnects => $rec, splits => $spl };
}

sub query { return $node->safe_psql('postgres', $_[0]); }

# ---- usage and exit codes ----
my ($rc, $out, $err) = producer(['--version']);
is($rc, 0, '--version exits 0');
like($out, qr/tweetlda-ingest \(tweetlda\) \d/, '--version prints the version');
($rc, $out) = producer(['--help']);
is($rc, 0, '--help exits 0');
like($out, qr/--batch-size.*--rate.*--loop/s, '--help lists the options');
($rc, undef, $err) = producer(['--bogus']);
is($rc, 1, 'unknown option: exit 1');
($rc, undef, $err) = producer([ '--format=xml', '-d', $db ]);
is($rc, 1, 'bad --format: exit 1');
like($err, qr/invalid format "xml"/, 'bad --format is named');
($rc) = producer([ '--batch-size=0', '-d', $db ]);
is($rc, 1, '--batch-size=0: exit 1');
($rc, undef, $err) = producer([ '--loop', '-d', $db ]);
is($rc, 1, '--loop on standard input: exit 1');
($rc, undef, $err) = producer([ '-d', 'host=x bogus=1' ]);
is($rc, 1, 'invalid connection string: exit 1');
like($err, qr/invalid connection option "bogus"/, 'invalid connection string is reported');
($rc, undef, $err) = producer([ '-q', '-d', $db, "$tmp/does-not-exist.ndjson" ]);
is($rc, 3, 'missing input file: exit 3');
like($err, qr/could not open/, 'missing input file is reported');
($rc, undef, $err) = producer([ '-q', '--retry-timeout=1', '-d', "host=$tmp port=1" ], "{}\n");
is($rc, 2, 'no server: exit 2 after the retry timeout');
($rc, undef, $err) = producer([ '-q', '-d', $node->connstr('no_such_db') ], "{}\n");
is($rc, 2, 'database does not exist: exit 2 at once');
$node->safe_psql('postgres', 'CREATE DATABASE plain');
($rc, undef, $err) = producer([ '-q', '-d', $node->connstr('plain') ], qq({"id": 1, "text": "x"}\n));
is($rc, 4, 'database without tweetlda: exit 4');
like($err, qr/schema "tweetlda" does not exist/, 'the server error is reported');

# ---- NDJSON from a file: real v1.1 objects ----
($rc, undef, $err) = producer([ '-d', $db, "$root/test/fixtures/ingest/v11_sample.jsonl" ]);
is($rc, 0, 'NDJSON file: exit 0');
is_deeply(done_counts($err), { read => 5, ingested => 5, duplicates => 0, rejected => 0,
	unreadable => 0, reconnects => 0, splits => 0 }, 'NDJSON file: 5 tweets landed');
is(query("SELECT string_agg(author, ',' ORDER BY id) FROM tweetlda.tweets"),
	'__jcbl__,TheEarthStory,negatendo,andresegura,GillsDebate', 'authors of the v1.1 objects');
like(query("SELECT text FROM tweetlda.tweets WHERE id = 672852550614458369"),
	qr/^RT \@NASAJPL: .*7a2z7S8tKL$/, 'a truncated retweet lands with the full original text');

# ---- NDJSON from stdin: blank lines, malformed lines, duplicates in the same input ----
my $stdin = join("\n",
	'{"id": 10, "text": "ten", "created_at": "2012-06-08T10:23:20Z"}',
	'',
	'not json at all',
	'{"data": {"id": "11", "text": "v2 \\\\ backslash and tab\\t", "author_id": "5"}, "includes": {"users": [{"id": "5", "username": "five"}]}, "matching_rules": [{"id": "1", "tag": "t"}]}',
	'{"id": 10, "text": "ten again"}',
	'{"id": 12}',
	"{\"id\": 13, \"text\": \"windows line end\"}\r",
	'{"id": 14, "text": "last line without newline"}');
($rc, undef, $err) = producer([ '-d', $db, '--batch-size=2' ], $stdin);
is($rc, 0, 'stdin: exit 0');
is_deeply(done_counts($err), { read => 7, ingested => 4, duplicates => 1, rejected => 2,
	unreadable => 0, reconnects => 0, splits => 0 }, 'stdin: counts of landed, duplicate and rejected records');
is(query("SELECT string_agg(id || '=' || text || '/' || coalesce(author, '-'), ' | ' ORDER BY id) FROM tweetlda.tweets WHERE id BETWEEN 10 AND 14"),
	"10=ten/- | 11=v2 \\ backslash and tab\t/five | 13=windows line end/- | 14=last line without newline/-",
	'stdin: tweets landed once, text decoded, first copy wins');
is(query("SELECT string_agg(reason, ' | ' ORDER BY rejected_id) FROM tweetlda.rejected"),
	'invalid JSON: Token "not" is invalid. | missing text', 'stdin: malformed records are in rejected');
($rc, undef, $err) = producer([ '-d', $db, '-' ], $stdin);
is(done_counts($err)->{ingested}, 0, 'stdin again ("-"): nothing new');
is(done_counts($err)->{duplicates}, 5, 'stdin again: every tweet is a duplicate');

# ---- CSV: the bundled sample in the corpus layout ----
my $sample = "$root/data/sample/tweets_sample.csv";
my $expect = query("CREATE TEMP TABLE s (corpus text, tweet_id text, created_at timestamptz, lang text, text text, source_ref text);
	COPY s FROM '$sample' WITH (FORMAT csv, HEADER true);
	SELECT count(*) || ' ' || count(DISTINCT tweet_id) || ' ' || count(created_at) FROM s");
my ($csv_rows, $csv_ids, $csv_dates) = split / /, $expect;
($rc, undef, $err) = producer([ '-d', $db, $sample ]);
is($rc, 0, 'CSV (auto-detected): exit 0');
my $c = done_counts($err);
is($c->{read}, $csv_rows, 'CSV: every record read (quoted newlines included)');
is($c->{ingested}, $csv_ids, 'CSV: one tweet per distinct id');
is(query("SELECT count(*) || ' ' || count(created_at) FROM tweetlda.tweets WHERE raw->>'corpus' IS NOT NULL"),
	"$csv_ids $csv_dates", 'CSV: tweets and timestamps landed');
is(query("CREATE TEMP TABLE s (corpus text, tweet_id text, created_at timestamptz, lang text, text text, source_ref text);
	COPY s FROM '$sample' WITH (FORMAT csv, HEADER true);
	SELECT count(*) FROM tweetlda.tweets t WHERE raw ? 'corpus'
	   AND NOT EXISTS (SELECT 1 FROM s WHERE s.tweet_id::bigint = t.id AND s.text = t.text
	                   AND s.created_at IS NOT DISTINCT FROM t.created_at)"),
	'0', 'CSV: every landed tweet has the text and time of its CSV record');
($rc, undef, $err) = producer([ '-d', $db, '--format=csv', '--batch-size=333', $sample ]);
$c = done_counts($err);
is($c->{ingested} . ' ' . $c->{duplicates}, "0 $csv_rows", 'CSV again: every record is a duplicate');

# ---- long and bad records never stop a batch ----
my $long_text = 'x' x (2 * 1024 * 1024);
my $long = write_file('long.ndjson', join("\n",
	qq({"id": 20, "text": "$long_text"}),
	'garbage ' . ('y' x (2 * 1024 * 1024)),
	"{\"id\": 21, \"text\": \"bad utf8 \xff\xfe\"}",
	'{"id": 22, "text": "after the bad ones"}') . "\n");
($rc, undef, $err) = producer([ '-d', $db, '--batch-size=10', $long ]);
is($rc, 0, 'long lines: exit 0');
is_deeply(done_counts($err), { read => 4, ingested => 2, duplicates => 0, rejected => 2,
	unreadable => 1, reconnects => 0, splits => 0 }, 'a 2 MB tweet lands, a 2 MB garbage line and invalid UTF-8 are rejected');
is(query("SELECT length(text) FROM tweetlda.tweets WHERE id = 20"), 2 * 1024 * 1024, 'the 2 MB text is whole');
($rc, undef, $err) = producer([ '-d', $db, '--max-record=1000000', $long ]);
$c = done_counts($err);
is($c->{unreadable} . ' ' . $c->{duplicates}, '3 1', '--max-record rejects the long lines and goes on');

# ---- a server crash in the middle: reconnect, resend, every tweet exactly once ----
my $n = 20000;
my $many = write_file('many.ndjson',
	join('', map { qq({"id": ${\ (5000000 + $_)}, "text": "tweet $_"}\n) } 1 .. $n));
my ($bg_out, $bg_err) = ('', '');
my $h = IPC::Run::start([ 'tweetlda-ingest', '-d', $db, '--rate=5000', '--batch-size=250', $many ],
	'>', \$bg_out, '2>', \$bg_err);
my $landed = 0;
for (1 .. 300)
{
	$landed = query("SELECT count(*) FROM tweetlda.tweet_ids WHERE id BETWEEN 5000001 AND 5020000");
	last if $landed >= 3000;
	usleep(50_000);
}
cmp_ok($landed, '>=', 3000, 'the producer is landing tweets');
$node->stop('immediate');
usleep(500_000);
$node->start;
$h->finish;
is($? >> 8, 0, 'after the crash the producer finished with exit 0');
$c = done_counts($bg_err);
cmp_ok($c->{reconnects}, '>=', 1, 'it reconnected');
is($c->{read}, $n, 'it read every record');
is(query("SELECT count(*) || ' ' || count(DISTINCT id) || ' ' || min(id) || ' ' || max(id) FROM tweetlda.tweets WHERE id BETWEEN 5000001 AND " . (5000000 + $n)),
	"$n $n 5000001 " . (5000000 + $n), 'every tweet landed exactly once');
is(query("SELECT count(*) FROM tweetlda.ingest_staging"), '0', 'nothing left staged');

# ---- four producers at once sending the same tweets: each lands once, no deadlock ----
my $shuffled = write_file('shuffled.ndjson',
	join('', map { qq({"id": ${\ (7000000 + ($_ * 7919) % 5000)}, "text": "t $_"}\n) } 1 .. 5000));
my @hs;
my @errs = ('', '', '', '');
for my $i (0 .. 3)
{
	push @hs, IPC::Run::start([ 'tweetlda-ingest', '-d', $db, '--batch-size=' . (100 + 37 * $i),
		$i % 2 ? $many : $shuffled ], '>', \my $o, '2>', \$errs[$i]);
}
my @codes;
for my $hh (@hs) { $hh->finish; push @codes, $? >> 8; }
is(join(',', @codes), '0,0,0,0', 'four concurrent producers: all exit 0');
my $total = 0;
$total += done_counts($_)->{ingested} for @errs;
is($total, 5000, 'four concurrent producers: 5000 new tweets landed in total');
is(query("SELECT count(*) || ' ' || count(DISTINCT id) FROM tweetlda.tweets WHERE id BETWEEN 7000000 AND 7004999"),
	'5000 5000', 'four concurrent producers: each tweet once');

# ---- -d with a plain database name, like psql ----
$node->safe_psql('plain', 'CREATE EXTENSION tweetlda');
{
	local $ENV{PGPORT} = $node->port;
	($rc, undef, $err) = producer([ '-d', 'plain' ], qq({"id": 1, "text": "x"}\n));
}
is($rc, 0, '-d DBNAME with PG* variables for the rest');
is($node->safe_psql('plain', 'SELECT count(*) FROM tweetlda.tweets'), '1', '-d DBNAME lands there');

# ---- no connection option: PG* variables, like psql ----
{
	local $ENV{PGPORT} = $node->port;
	local $ENV{PGDATABASE} = 'plain';
	($rc, undef, $err) = producer([], qq({"id": 2, "text": "from PG* variables"}\n));
}
is($rc, 0, 'no -d: exit 0');
is($node->safe_psql('plain', 'SELECT text FROM tweetlda.tweets WHERE id = 2'), 'from PG* variables',
	'no -d: connected from PGPORT/PGDATABASE');

# ---- a live stream on stdin: a partial batch is sent after --flush-interval, before EOF ----
my $live_in = '';
($bg_out, $bg_err) = ('', '');
$h = IPC::Run::start([ 'tweetlda-ingest', '-d', $db, '--batch-size=1000', '--flush-interval=100' ],
	'<', \$live_in, '>', \$bg_out, '2>', \$bg_err);
$live_in .= qq({"id": 40, "text": "live one"}\n{"id": 41, "text": "live two"}\n);
my $live = 0;
for (1 .. 100)
{
	$h->pump_nb;
	$live = query("SELECT count(*) FROM tweetlda.tweets WHERE id IN (40, 41)");
	last if $live == 2;
	usleep(50_000);
}
is($live, '2', 'a live stream is landed while stdin is still open');
$h->finish;
is($? >> 8, 0, 'the live stream ends with exit 0 at EOF');

# ---- --loop until SIGTERM: the input again and again, all duplicates after the first pass ----
($bg_out, $bg_err) = ('', '');
$h = IPC::Run::start([ 'tweetlda-ingest', '-d', $db, '--loop', '--rate=2000',
	"$root/test/fixtures/ingest/v11_sample.jsonl" ], '>', \$bg_out, '2>', \$bg_err);
usleep(1_500_000);
$h->signal('TERM');
$h->finish;
is($? >> 8, 0, '--loop stops cleanly on SIGTERM');
$c = done_counts($bg_err);
cmp_ok($c->{read}, '>', 100, '--loop read the file many times');
is($c->{ingested}, 0, '--loop: nothing new');
is($c->{duplicates}, $c->{read}, '--loop: every record sent and ignored as a duplicate');

# ---- --loop --id-offset: every pass lands new tweets (CSV) ----
my $small_csv = write_file('small.csv', "corpus,tweet_id,created_at_utc,lang,text,source_ref\n"
	. join('', map { "t,${\ (80000000 + $_)},2012-06-08T10:23:20Z,en,\"text, $_\",x\n" } 1 .. 50));
($bg_out, $bg_err) = ('', '');
$h = IPC::Run::start([ 'tweetlda-ingest', '-d', $db, '--loop', '--id-offset=1000000', '--rate=500',
	'--batch-size=20', $small_csv ], '>', \$bg_out, '2>', \$bg_err);
usleep(1_500_000);
$h->signal('TERM');
$h->finish;
is($? >> 8, 0, '--loop --id-offset: exit 0 on SIGTERM');
$c = done_counts($bg_err);
cmp_ok($c->{read}, '>', 100, '--loop --id-offset: more than two passes');
is($c->{ingested} . ' ' . $c->{duplicates}, "$c->{read} 0", '--loop --id-offset: every record is a new tweet');
is(query("SELECT count(*) || ' ' || count(DISTINCT text) || ' ' || min(id) FROM tweetlda.tweets WHERE raw->>'corpus' = 't'"),
	"$c->{read} 50 80000001", '--loop --id-offset: same texts under shifted ids');
($rc, undef, $err) = producer([ '--id-offset=-5', '-d', $db ]);
is($rc, 1, 'negative --id-offset: exit 1');

# ---- the ingest-only role ----
$node->safe_psql('postgres', 'CREATE ROLE producer LOGIN IN ROLE tweetlda_ingest');
($rc, undef, $err) = producer([ '-d', $node->connstr('postgres') . ' user=producer' ],
	qq({"id": 30, "text": "as the ingest role"}\nbroken\n));
is($rc, 0, 'the ingest role can run the producer');
is_deeply(done_counts($err), { read => 2, ingested => 1, duplicates => 0, rejected => 1,
	unreadable => 0, reconnects => 0, splits => 0 }, 'the ingest role lands and rejects');
my ($ret, $sout, $serr) = $node->psql('postgres', 'SELECT count(*) FROM tweetlda.tweets',
	extra_params => [ '-U', 'producer' ]);
like($serr, qr/permission denied for table tweets/, 'the ingest role cannot read tweets');

$node->stop;
done_testing();
