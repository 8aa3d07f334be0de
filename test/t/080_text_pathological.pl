# Hostile input for the text functions (issue 9, item 2): about 1 MB each of pathological
# shapes (runs of one punctuation character, of '#', '@', '&amp;', 'a.', URLs, emoji, combining
# marks, alternating case, very long words, elongations, the two repros of the issue, ...) fed
# to tokenize (three configurations), tf, stem, polarity with 'textblob' and 'social',
# social_explain and textblob_assessments.
#
# Linear code does any of them in well under a second (the measured times are printed as
# notes); the quadratic code of 0.1.0 needed minutes for 'a.' and 'Bb.!'.  So each call must
# complete under a 1 s statement_timeout (a call is tried up to three times, so that a load
# spike on a shared machine cannot fail the test; a quadratic one never completes), and a call
# that is cancelled must stop within a few seconds.  The server must answer SELECT 1 afterwards.
# Then pg_cancel_backend() and pg_terminate_backend() must stop a backend that runs long text
# calls (50 MB texts) within a few seconds.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time sleep);

my $node = PostgreSQL::Test::Cluster->new('pathological');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION tweetlda');

# name => SQL expression of about 1 MB
my @shapes = (
	[ 'repeat a.',             q{repeat('a.', 500000)} ],
	[ 'B b... .!... (issue)',  q{'B' || repeat('b', 333333) || repeat('.!', 333333)} ],
	[ 'repeat A.',             q{repeat('A.', 500000)} ],
	[ 'a. then !.',            q{repeat('a.', 250000) || repeat('!.', 250000)} ],
	[ 'digits and dots',       q{repeat('1.', 500000)} ],
	[ 'dotted labels, path',   q{repeat('ab.', 333333) || '/x'} ],
	[ 'run of !',              q{repeat('!', 1000000)} ],
	[ 'run of .',              q{repeat('.', 1000000)} ],
	[ 'run of ?',              q{repeat('?', 1000000)} ],
	[ 'run of :',              q{repeat(':', 1000000)} ],
	[ 'run of (',              q{repeat('(', 1000000)} ],
	[ 'run of )',              q{repeat(')', 1000000)} ],
	[ 'run of -',              q{repeat('-', 1000000)} ],
	[ "run of '",              q{repeat('''', 1000000)} ],
	[ 'run of "',              q{repeat('"', 1000000)} ],
	[ 'run of &',              q{repeat('&', 1000000)} ],
	[ 'run of #',              q{repeat('#', 1000000)} ],
	[ 'run of @',              q{repeat('@', 1000000)} ],
	[ 'run of &amp;',          q{repeat('&amp;', 200000)} ],
	[ 'run of &#',             q{repeat('&#', 500000)} ],
	[ 'run of &#1',            q{repeat('&#1', 333333)} ],
	[ 'one long URL',          q{'http://' || repeat('a', 1000000)} ],
	[ 'URLs',                  q{repeat('http://t.co/ab ', 70000)} ],
	[ 'URLs without spaces',   q{repeat('http://t.co/ab', 70000)} ],
	[ 'run of t.co/',          q{repeat('t.co/', 200000)} ],
	[ 'run of www.',           q{repeat('www.', 250000)} ],
	[ 'emoji',                 q{repeat(U&'\+01F600', 250000)} ],
	[ 'emoji with skin tone',  q{repeat(U&'\+01F44D\+01F3FD', 125000)} ],
	[ 'emoji ZWJ sequences',   q{repeat(U&'\+01F468\200D\+01F469\200D\+01F467', 55000)} ],
	[ 'flags',                 q{repeat(U&'\+01F1FA\+01F1F8', 125000)} ],
	[ 'combining marks',       q{repeat(U&'e\0301', 333333)} ],
	[ 'only combining marks',  q{repeat(U&'\0301', 500000)} ],
	[ 'devanagari conjuncts',  q{repeat(U&'\0915\094D\0937', 111111)} ],
	[ 'alternating case',      q{repeat('aB', 500000)} ],
	[ 'hashtag, alt. case',    q{'#' || repeat('aB1', 333333)} ],
	[ 'hashtags, alt. case',   q{repeat('#aBcD ', 166666)} ],
	[ 'long word',             q{repeat('a', 1000000)} ],
	[ 'long word ab',          q{repeat('ab', 500000)} ],
	[ 'long word é',           q{repeat(U&'\00E9', 500000)} ],
	[ 'long word Σ',           q{repeat(U&'\03A3', 500000)} ],
	[ 'long word İ',           q{repeat(U&'\0130', 500000)} ],
	[ 'elongation',            q{'g' || repeat('o', 1000000) || 'd'} ],
	[ 'elongated words',       q{repeat('goooood ', 125000)} ],
	[ 'many tokens',           q{repeat('a ', 500000)} ],
	[ 'not good but',          q{repeat('not good but ', 77000)} ],
	[ 'negators',              q{repeat('not ', 250000) || 'good'} ],
	[ 'although',              q{repeat('although good, ', 66000)} ],
	[ 'emoticons',             q{repeat(':) ', 333333)} ],
	[ 'emoticons, no spaces',  q{repeat(':)', 500000)} ],
	[ 'emoticons with spaces', q{repeat(': ) ', 250000)} ],
	[ 'irony marks',           q{repeat('( ! ) ', 166666)} ],
	[ "n't",                   q{repeat('n''t', 333333)} ],
	[ 'blank lines',           q{repeat(E'\n\n', 500000)} ],
	[ 'CR LF',                 q{repeat(E'\r\n', 500000)} ],
	[ 'Mr.',                   q{repeat('Mr. ', 250000)} ],
	[ 'mentions',              q{repeat('@a', 500000)} ],
	[ 'hashtags',              q{repeat('#a', 500000)} ],
	[ 'laughter',              q{repeat('ha', 500000)} ],
	[ 'control characters',    q{repeat(E'\x01\x02', 500000)} ],
	[ 'ideographic spaces',    q{repeat(U&'\3000a', 333333)} ],
	[ 'mixed tweet',
		q{repeat('RT @user: I don''t LOVE #MondayBlues :( http://t.co/x &amp; ' || U&'\+01F600 \03A3 e\0301'
		  || ' but NOT baaad!!! a.b.c. ', 11000)} ],
);

$node->safe_psql('postgres', q{
	CREATE TABLE shapes (id int PRIMARY KEY, name text, doc text);
	CREATE TABLE vocab AS
		SELECT tweetlda.vocabulary(tweetlda.tokenize(t)) AS v
		FROM (VALUES ('good love bad flood'), ('goood hashtag emoji')) AS d(t);
});
for my $i (0 .. $#shapes)
{
	my ($name, $expr) = @{ $shapes[$i] };
	$node->safe_psql('postgres', "INSERT INTO shapes VALUES ($i, \$n\$$name\$n\$, $expr)");
}
is($node->safe_psql('postgres',
	'SELECT count(*) FROM shapes WHERE octet_length(doc) BETWEEN 900000 AND 1400000'),
	scalar(@shapes), 'every shape has about 1 MB');

# function => SQL expression over doc
my @functions = (
	[ 'tokenize',         q{cardinality(tweetlda.tokenize(doc))} ],
	[ 'tokenize split',   q{cardinality(tweetlda.tokenize(doc, tweetlda.text_config(split_hashtags => true)))} ],
	[ 'tokenize raw',     q{cardinality(tweetlda.tokenize(doc, tweetlda.text_config(stem => false,
							stopwords => false, noise_words => false, min_length => 1, max_length => 255)))} ],
	[ 'tf',               q{tweetlda.nnz(tweetlda.tf(tweetlda.tokenize(doc), (SELECT v FROM vocab)))} ],
	[ 'stem',             q{length(tweetlda.stem(doc))} ],
	[ 'textblob',         q{tweetlda.polarity(doc, 'textblob')} ],
	[ 'textblob explain', q{(SELECT count(*) FROM tweetlda.textblob_assessments(doc))} ],
	[ 'social',           q{tweetlda.polarity(doc, 'social')} ],
	[ 'social explain',   q{(SELECT count(*) FROM tweetlda.social_explain(doc))} ],
);

my $session = $node->background_psql('postgres', on_error_stop => 0);
# warm up: lexicons, stopwords and stemmers are loaded once per backend, not per call
$session->query_safe(q{SELECT tweetlda.polarity('good', 'textblob'), tweetlda.polarity('good', 'social'),
	tweetlda.tokenize('good'), tweetlda.stem('good')});
# Sanitizer builds (make sanitize) run 2-3x slower: test/sanitize sets TWEETLDA_TIME_FACTOR.
my $factor = $ENV{TWEETLDA_TIME_FACTOR} || 1;
$session->query_safe("SET statement_timeout = '${factor}s'");

# Run one call: (completed, seconds)
sub run_call
{
	my ($sql) = @_;
	$session->{stderr} = '';
	my $start = time;
	my ($out, $failed) = $session->query($sql);
	my $elapsed = time - $start;
	return (1, $elapsed) unless $failed;
	like($session->{stderr}, qr/canceling statement due to statement timeout/,
		'the only error is the statement timeout')
	  or diag($session->{stderr});
	cmp_ok($elapsed, '<', 6 * $factor, 'a cancelled call stops within a few seconds');
	return (0, $elapsed);
}

for my $shape (0 .. $#shapes)
{
	my @times;
	for my $f (@functions)
	{
		my ($fname, $expr) = @$f;
		my ($done, $elapsed);
		for my $attempt (1 .. 3)
		{
			($done, $elapsed) = run_call("SELECT $expr FROM shapes WHERE id = $shape");
			last if $done;
		}
		ok($done, "$shapes[$shape][0]: $fname completes under a 1 s statement_timeout");
		push @times, sprintf('%s %.0f ms', $fname, 1000 * $elapsed);
	}
	note "$shapes[$shape][0]: " . join(', ', @times);
}
$session->quit;
is($node->safe_psql('postgres', 'SELECT 1'), '1', 'the server is healthy after the hostile inputs');

# A backend running long text calls stops within a few seconds of pg_cancel_backend() and of
# pg_terminate_backend(): each call runs over a 50 MB text (10 MB for 'social', whose tokens
# take more memory), and the functions check for interrupts inside it.
$node->safe_psql('postgres', q{
	CREATE TABLE big AS SELECT g AS id, repeat('RT @u: not good but :) #ThankYouNHS a.b. ', 1200000) AS doc
	FROM generate_series(1, 3) AS g;
});

# Pump a background session until its stderr matches re (or 10 s pass)
sub wait_stderr
{
	my ($s, $re) = @_;
	my $deadline = time + 10;
	while ($s->{stderr} !~ $re && time < $deadline)
	{
		eval { $s->{run}->pump_nb(); };
		sleep 0.05;
	}
	return $s->{stderr};
}

for my $case ([ 'pg_cancel_backend', qr/canceling statement due to user request/ ],
	[ 'pg_terminate_backend', qr/terminating connection|server closed the connection|connection to server was lost/ ])
{
	my ($func, $error) = @$case;
	# many passes over the big texts: minutes of work; and the training of a sentiment classifier
	# on millions of short texts (their social signals computed by a helper thread)
	my @queries = map { [ $_, "SELECT count(*) FROM generate_series(1, 1000), big WHERE $_ > 2" ] }
	  (q{tweetlda.polarity(doc, 'textblob')}, q{cardinality(tweetlda.tokenize(doc))},
		q{tweetlda.polarity(left(doc, 10000000), 'social')});
	push @queries, [ 'sentiment_classifier training',
		q{SELECT tweetlda.sentiment_classifier('tweet ' || g || CASE WHEN g % 2 = 0 THEN ' so good :)' ELSE ' so bad :(' END,
			CASE WHEN g % 2 = 0 THEN 'positive' ELSE 'negative' END) IS NOT NULL FROM generate_series(1, 4000000) g} ];
	for my $q (@queries)
	{
		my ($expr, $sql) = @$q;
		my $long = $node->background_psql('postgres', on_error_stop => 0);
		my $pid = $long->query_safe('SELECT pg_backend_pid()');
		$long->{stdin} .= "$sql;\n";
		$long->{run}->pump_nb();
		$node->poll_query_until('postgres',
			"SELECT state = 'active' AND now() - query_start > interval '1 s' FROM pg_stat_activity WHERE pid = $pid")
		  or die "the long call did not start";
		my $start = time;
		$node->safe_psql('postgres', "SELECT $func($pid)");
		$node->poll_query_until('postgres',
			"SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = $pid AND state = 'active'")
		  or die "the backend did not stop";
		my $elapsed = time - $start;
		cmp_ok($elapsed, '<', 5, "$func stops $expr within a few seconds");
		note sprintf('%s acted after %.2f s on %s', $func, $elapsed, $expr);
		like(wait_stderr($long, $error), $error, "$func: the session is told why its call stopped");
		if ($func eq 'pg_cancel_backend')
		{
			$long->{stderr} = '';
			is($long->query('SELECT 42'), '42', 'the cancelled session goes on');
			$long->quit;
		}
		else
		{
			eval { $long->quit; };
		}
	}
}
is($node->safe_psql('postgres', 'SELECT 1'), '1', 'the server is healthy after cancel and terminate');

$node->stop;
done_testing();
