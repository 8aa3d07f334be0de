# termvec and vocab binary input is hostile: COPY BINARY files with corrupt values get clear
# errors (never a crash or a huge allocation), and valid values round-trip.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('vec_binary');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION tweetlda');
$node->safe_psql('postgres',
	'CREATE TABLE tv (v tweetlda.termvec); CREATE TABLE tv3 (v tweetlda.termvec(3));
	 CREATE TABLE vo (v tweetlda.vocab);');
my $file = $node->basedir . '/copy.bin';

# Write a COPY BINARY file with one single-column row per value.
sub copy_file
{
	my @values = @_;
	my $data = "PGCOPY\n\377\r\n\0" . pack('NN', 0, 0);
	$data .= pack('n', 1) . pack('N', length($_)) . $_ for @values;
	$data .= pack('n', 0xffff);
	open(my $fh, '>:raw', $file) or die "$file: $!";
	print $fh $data;
	close $fh;
}

# COPY the values into a table; returns the error message ('' on success).
sub copy_in
{
	my ($table, @values) = @_;
	copy_file(@values);
	my ($ret, $out, $err) = $node->psql('postgres',
		"TRUNCATE $table; COPY $table FROM '$file' WITH (FORMAT binary)");
	return $ret == 0 ? '' : $err;
}

# A binary termvec: dim, nnz, reserved, indices (0-based), values.
sub tv
{
	my ($dim, $nnz, $unused, $idx, $vals) = @_;
	return pack('l>l>l>', $dim, $nnz, $unused) . join('', map { pack('l>', $_) } @$idx)
	  . join('', map { pack('f>', $_) } @$vals);
}

my $nan = unpack('f>', pack('N', 0x7fc00000));
my $inf = unpack('f>', pack('N', 0x7f800000));

# Valid values round-trip through COPY BINARY.
is(copy_in('tv', tv(5, 2, 0, [0, 4], [1.5, -2]), tv(0, 0, 0, [], [])), '', 'valid termvecs load');
is($node->safe_psql('postgres', 'SELECT string_agg(v::text, \' \') FROM tv'),
	'{1:1.5,5:-2}/5 {}/0', 'binary termvecs read back');
$node->safe_psql('postgres', "COPY tv TO '$file' WITH (FORMAT binary)");
my ($ret, $out, $err) = $node->psql('postgres',
	"CREATE TABLE tv2 (v tweetlda.termvec); COPY tv2 FROM '$file' WITH (FORMAT binary);
	 SELECT count(*) FROM tv JOIN tv2 ON tv.v OPERATOR(tweetlda.=) tv2.v");
is($out, '2', 'COPY TO / FROM BINARY round trip');

my @tv_cases = (
	[ tv(-1, 0, 0, [], []), qr/negative dimension/, 'negative dimension' ],
	[ tv(1000000001, 0, 0, [], []), qr/more than 1000000000 dimensions/, 'dimension limit' ],
	[ tv(5, -1, 0, [], []), qr/negative number of elements/, 'negative nnz' ],
	[ tv(2000000, 1000001, 0, [], []), qr/more than 1000000 non-zero elements/, 'nnz limit' ],
	[ tv(2, 3, 0, [0, 1, 2], [1, 1, 1]), qr/more elements than dimensions/, 'nnz > dim' ],
	[ tv(5, 1, 7, [0], [1]), qr/reserved field is 7/, 'reserved field' ],
	[ tv(1000000, 900000, 0, [0], [1]), qr/bytes of elements, expected 7200000/, 'nnz larger than the data' ],
	[ tv(5, 1, 0, [0], [1]) . "\0", qr/bytes of elements, expected 8/, 'trailing bytes' ],
	[ substr(tv(5, 1, 0, [0], [1]), 0, 10), qr/insufficient data/, 'truncated header' ],
	[ tv(5, 1, 0, [5], [1]), qr/index 6 is out of bounds for dimension 5/, 'index >= dim' ],
	[ tv(5, 1, 0, [-1], [1]), qr/index 0 is out of bounds/, 'negative index' ],
	[ tv(5, 2, 0, [3, 1], [1, 1]), qr/ascending order/, 'unsorted indices' ],
	[ tv(5, 2, 0, [1, 1], [1, 1]), qr/duplicates/, 'duplicate indices' ],
	[ tv(5, 1, 0, [0], [$nan]), qr/NaN not allowed/, 'NaN' ],
	[ tv(5, 1, 0, [0], [$inf]), qr/infinite value not allowed/, 'Infinity' ],
	[ tv(5, 1, 0, [0], [0]), qr/cannot contain zero values/, 'stored zero' ],);
for my $c (@tv_cases)
{
	like(copy_in('tv', $c->[0]), $c->[1], "termvec recv rejects: $c->[2]");
}
like(copy_in('tv3', tv(4, 0, 0, [], [])), qr/expected 3 dimensions, not 4/,
	'termvec recv checks the type modifier');
is(copy_in('tv3', tv(3, 1, 0, [2], [1])), '', 'termvec recv accepts the declared dimension');

# A binary vocab: version, documents, then [df, term] pairs.
sub vo
{
	my ($version, $ndocs, $nterms, @terms) = @_;
	my $data = pack('l>q>l>', $version, $ndocs, $nterms);
	while (my ($df, $term) = splice(@terms, 0, 2))
	{
		$data .= pack('q>l>', $df, length($term)) . $term;
	}
	return $data;
}

is(copy_in('vo', vo(1, 3, 2, 2, 'storm', 1, "caf\xc3\xa9"), vo(1, 0, 0)), '', 'valid vocabs load');
is($node->safe_psql('postgres', 'SELECT string_agg(v::text, \' \') FROM vo'),
	'{"documents": 3, "terms": [["storm", 2], ["café", 1]]} {"documents": 0, "terms": []}',
	'binary vocabs read back');
$node->safe_psql('postgres', "COPY vo TO '$file' WITH (FORMAT binary)");
($ret, $out, $err) = $node->psql('postgres',
	"CREATE TABLE vo2 (v tweetlda.vocab); COPY vo2 FROM '$file' WITH (FORMAT binary);
	 SELECT count(*) FROM vo JOIN vo2 ON vo.v::text = vo2.v::text");
is($out, '2', 'vocab COPY TO / FROM BINARY round trip');

my @vo_cases = (
	[ vo(2, 3, 0), qr/unsupported binary vocab format version 2/, 'version' ],
	[ vo(1, -3, 0), qr/document count cannot be negative/, 'negative documents' ],
	[ vo(1, 3, -1), qr/term count cannot be negative/, 'negative term count' ],
	[ vo(1, 3, 10000001), qr/more than 10000000 terms/, 'term count limit' ],
	[ vo(1, 3, 1000000, 1, 'a'), qr/insufficient data/, 'term count larger than the data' ],
	[ vo(1, 3, 1, 4, 'a'), qr/document frequency 4 of vocabulary term 1 is out of range/, 'df > documents' ],
	[ vo(1, 3, 1, -1, 'a'), qr/document frequency -1/, 'negative df' ],
	[ pack('l>q>l>q>l>', 1, 3, 1, 1, 1000000) . 'abc', qr/length 1000000 of term 1 exceeds the data/,
		'term length larger than the data' ],
	[ pack('l>q>l>q>l>', 1, 3, 1, 1, -5) . 'abc', qr/length -5 of term 1/, 'negative term length' ],
	[ vo(1, 3, 1, 1, 'a') . 'x', qr/1 bytes after the last term/, 'trailing bytes' ],
	[ vo(1, 3, 2, 1, 'a', 2, 'a'), qr/term "a" appears more than once/, 'duplicate terms' ],
	[ vo(1, 3, 1, 1, "\xc3\x28"), qr/invalid byte sequence for encoding "UTF8"/, 'invalid UTF-8' ],
	[ vo(1, 3, 1, 1, "a\0b"), qr/invalid byte sequence for encoding "UTF8": 0x00/, 'NUL byte' ],);
for my $c (@vo_cases)
{
	like(copy_in('vo', $c->[0]), $c->[1], "vocab recv rejects: $c->[2]");
}

# Random corruption of valid values: every byte string is either accepted (and then prints and
# reads back as the same value) or refused with an error; the server never fails.
srand(20261125);
my $valid_tv = tv(40, 3, 0, [2, 7, 39], [1.5, -2, 3]);
my $valid_vo = vo(1, 9, 3, 2, 'storm', 9, 'flood', 0, "caf\xc3\xa9");
my ($accepted, $refused) = (0, 0);
for my $i (1 .. 60)
{
	for my $case ([ 'tv', $valid_tv ], [ 'vo', $valid_vo ])
	{
		my ($table, $bytes) = @$case;
		my $n = 1 + int(rand(3));
		for (1 .. $n)
		{
			substr($bytes, int(rand(length($bytes))), 1) = chr(int(rand(256)));
		}
		$bytes = substr($bytes, 0, int(rand(length($bytes)))) if rand() < 0.2;
		my $err = copy_in($table, $bytes);
		if ($err eq '')
		{
			my $cast = $table eq 'tv' ? 'tweetlda.termvec' : 'tweetlda.vocab';
			my $same = $node->safe_psql('postgres',
				"SELECT bool_and(v::text::${cast}::text = v::text) FROM $table");
			is($same, 't', "accepted corrupted $table value round-trips (case $i)");
			$accepted++;
		}
		else
		{
			$refused++;
			unlike($err, qr/server closed|terminated|PANIC/, "corrupted $table value refused cleanly (case $i)");
		}
	}
}
note("random corruptions: $accepted accepted, $refused refused");

# The server survived every case.
is($node->safe_psql('postgres', 'SELECT 1'), '1', 'server still up');
$node->stop;
done_testing();
