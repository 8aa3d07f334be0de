# Ingest (issue 9): the producer never stops on a record.  Records it cannot read go to
# tweetlda.rejected with the input name and line number, a CSV header without the expected
# columns is refused, extra fields are rejected (not cut), batches are split by size, and a
# batch the server refuses because of one record is split around it.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use IPC::Run;
use Test::More;

my $tmp = PostgreSQL::Test::Utils::tempdir;
my $node = PostgreSQL::Test::Cluster->new('rejects');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION tweetlda');
my $db = $node->connstr('postgres');

# Run the producer; returns (exit code, stderr).
sub producer
{
	my ($args) = @_;
	my ($out, $err) = ('', '');
	IPC::Run::run([ 'tweetlda-ingest', '-d', $db, @$args ], '<', \'', '>', \$out, '2>', \$err);
	return ($? >> 8, $err);
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

sub query { return $node->safe_psql('postgres', $_[0]); }

# The rejected records of one input: "line: reason" lines.
sub rejects_of
{
	my ($path) = @_;
	return query("SELECT string_agg(line || ': ' || reason, E'\\n' ORDER BY line, rejected_id)
	              FROM tweetlda.rejected WHERE source = '$path'");
}

# ---- NDJSON: good records mixed with each kind of bad record ----
my $ndjson = write_file('mixed.ndjson', join("\n",
	'{"id": 101, "text": "good 1"}',
	"{\"id\": 102, \"text\": \"invalid \xff\xfe UTF-8\"}",
	"{\"id\": 103, \"text\": \"a NUL \x00 byte\"}",
	'{"id": 104, "text": "' . ('x' x 5000) . '"}',
	'{"id": 105, "text": "bad zone", "created_at": "2020-01-01 abc99999"}',
	'not json',
	'{"id": 106, "text": "good 2", "created_at": "Wed Oct 10 20:19:24 +0000 2018"}',
	'',
	'{"id": 107, "text": "good 3"}') . "\n");
my ($rc, $err) = producer([ '--max-record=4096', $ndjson ]);
is($rc, 0, 'NDJSON with bad records: exit 0');
is(query("SELECT string_agg(id::text, ',' ORDER BY id) FROM tweetlda.tweets WHERE id BETWEEN 101 AND 107"),
	'101,106,107', 'NDJSON: every good record landed');
is(rejects_of($ndjson), join("\n",
	'2: invalid UTF-8 at byte 30',
	'3: NUL byte at byte 28',
	'4: record longer than --max-record',
	'5: invalid created_at: 2020-01-01 abc99999',
	'6: invalid JSON: Token "not" is invalid.'),
	'NDJSON: each bad record rejected with its line and reason');
is(query("SELECT raw FROM tweetlda.rejected WHERE source = '$ndjson' AND line = 2"),
	'{"id": 102, "text": "invalid \\xFF\\xFE UTF-8"}', 'invalid bytes are kept as \\xNN');
is(query("SELECT length(raw) FROM tweetlda.rejected WHERE source = '$ndjson' AND line = 4"),
	'1024', 'an over-long record keeps its first 1024 bytes');
like($err, qr/done: 8 read, 3 ingested, 0 duplicates, 5 rejected, 3 unreadable/,
	'NDJSON: the counts say what happened');
# --max-record at its limit: a record of 1 MB passes
($rc, $err) = producer([ '--max-record=268435457', $ndjson ]);
is($rc, 1, '--max-record above 256 MB is a usage error');

# ---- CSV: extra and missing fields, junk after a quote, an unterminated quote ----
my $csv = write_file('mixed.csv', join("\n",
	'corpus,tweet_id,created_at_utc,lang,text,source_ref',
	'c,201,2012-06-08T10:23:20Z,en,good one,x',
	'c,202,,en,"quoted, with comma',
	'and a second line",x',
	'c,203,,en,extra field,x,EXTRA',
	'c,204,,en,missing field',
	'c,205,,en,"junk"after,x',
	"c,206,,en,bad \xc3\x28 utf8,x",
	'c,207,12/26/2011 22:44,en,good two,x',
	'c,208,,en,"unterminated quote,x',
	'c,209,,en,good after the stray quote,x') . "\r\n");
($rc, $err) = producer([$csv]);
is($rc, 0, 'CSV with bad records: exit 0');
is(query("SELECT string_agg(id || '=' || text, '|' ORDER BY id) FROM tweetlda.tweets WHERE id BETWEEN 201 AND 209"),
	"201=good one|202=quoted, with comma\nand a second line|207=good two|209=good after the stray quote",
	'CSV: every good record landed, quoted newlines kept');
is(query("SELECT created_at AT TIME ZONE 'UTC' FROM tweetlda.tweets WHERE id = 207"),
	'2011-12-26 22:44:00', 'CSV: the month/day/year form is read');
is(rejects_of($csv), join("\n",
	'5: CSV record has 7 fields, the header names 6',
	'6: CSV record has 5 fields, the header names 6',
	'7: invalid CSV: text after a closing quote',
	'8: invalid UTF-8 at byte 15',
	'10: unterminated quoted CSV field'),
	'CSV: each bad record rejected with its line and reason (extra fields are not cut)');

# ---- a CSV header that does not name the expected columns is refused ----
my $bad_header = write_file('bad_header.csv', "id,label,user,timestamp,tweet\n1,0,a,12/26/2011 22:44,hello\n");
($rc, $err) = producer([$bad_header]);
is($rc, 3, 'a CSV header without text: exit 3');
like($err, qr/bad_header\.csv: line 1: the CSV header must name the columns tweet_id \(or id\) and text/,
	'the bad header is named with a clear message');
my $dup_header = write_file('dup_header.csv', "tweet_id,text,id\n1,a,2\n");
($rc, $err) = producer([$dup_header]);
is($rc, 3, 'a CSV header naming the id twice: exit 3');
is(query("SELECT count(*) FROM tweetlda.tweets WHERE id IN (1, 2)"), '0', 'nothing of a refused input lands');
my $named = write_file('named.csv', "text,id,lang\nhello by name,301,en\n");
($rc, $err) = producer([$named]);
is(query("SELECT text || '/' || lang FROM tweetlda.tweets WHERE id = 301"), 'hello by name/en',
	'a header in another order is matched by name');

# ---- batches larger than --max-batch-bytes are split, none dropped ----
my $many = write_file('many.ndjson',
	join('', map { qq({"id": ${\ (400000 + $_)}, "text": "${\ ('y' x 200)} $_"}\n) } 1 .. 500));
($rc, $err) = producer([ '--batch-size=100000', '--max-batch-bytes=8192', $many ]);
is($rc, 0, 'a batch over --max-batch-bytes: exit 0');
like($err, qr/done: 500 read, 500 ingested, 0 duplicates, 0 rejected, 0 unreadable, 0 reconnects, (\d+) splits/,
	'all 500 records landed');
my ($splits) = $err =~ /(\d+) splits/;
cmp_ok($splits, '>=', 10, 'the batch was sent in pieces');
is(query("SELECT count(*) FROM tweetlda.tweets WHERE id BETWEEN 400001 AND 400500"), '500',
	'every record of the split batch is in tweets');

# ---- a batch the server refuses because of one record: split around it, the rest lands ----
$node->safe_psql('postgres', q{
	CREATE FUNCTION public.poison() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		IF NEW.text = 'poison' THEN
			RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'poisoned record';
		END IF;
		RETURN NEW;
	END $$;
	CREATE TRIGGER poison BEFORE INSERT ON tweetlda.tweets FOR EACH ROW EXECUTE FUNCTION public.poison();
});
my $poison = write_file('poison.ndjson', join('', map {
	$_ == 37 ? qq({"id": 500037, "text": "poison"}\n) : qq({"id": ${\ (500000 + $_)}, "text": "t $_"}\n) } 1 .. 100));
($rc, $err) = producer([ '--batch-size=100', $poison ]);
is($rc, 0, 'a record the server refuses does not stop the producer (exit 0)');
is(query("SELECT count(*) FROM tweetlda.tweets WHERE id BETWEEN 500001 AND 500100"), '99',
	'the other 99 records of its batch landed');
like(rejects_of($poison), qr/^37: refused by the server: ERROR:  poisoned record/,
	'the refused record is rejected with the server message, input name and line');
$node->safe_psql('postgres', 'DROP TRIGGER poison ON tweetlda.tweets');

$node->stop;
done_testing();
