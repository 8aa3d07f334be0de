# BI tools over JDBC: the test cluster listens on 127.0.0.1 with scram-sha-256, a login role in
# tweetlda_dashboard connects with pgJDBC (Debian libpostgresql-jdbc-java) from a small Java
# program (test/jdbc/BiCheck.java, compiled now into the test folder) that lists schema
# tweetlda_bi through DatabaseMetaData, runs the three analysis queries and a parameterized
# timeline query, and checks that writes and raw-table reads are refused.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
BEGIN { require "$FindBin::Bin/060_stream_common.pm"; StreamTest->import; }

my $root = $ENV{TWEETLDA_ROOT} or die "TWEETLDA_ROOT is not set";
my $jar = '/usr/share/java/postgresql.jar';
plan skip_all => 'javac or pgJDBC is missing (make deps installs them)'
	unless -x '/usr/bin/javac' && -f $jar;

my $node = PostgreSQL::Test::Cluster->new('jdbc');
$node->init;
$node->append_conf('postgresql.conf', "listen_addresses = '127.0.0.1'\npassword_encryption = 'scram-sha-256'\n");
# TCP from 127.0.0.1 needs a scram-sha-256 password (before the test framework's lines)
my $hba = $node->data_dir . '/pg_hba.conf';
my $old = slurp_file($hba);
open(my $fh, '>', $hba) or die "$hba: $!";
print $fh "host all all 127.0.0.1/32 scram-sha-256\n$old";
close $fh;
$node->start;
my $db = 'postgres';
$node->safe_psql($db, 'CREATE EXTENSION tweetlda');
load_sample($node, $db);
setup_model($node, $db);
$node->safe_psql($db, q{
	SELECT tweetlda.ingest_batch(ARRAY(
		SELECT jsonb_build_object('id', s.rn, 'text', s.text,
		                          'created_at', now() - (s.rn % 1440) * interval '1 minute')::text
		FROM public.sample s WHERE s.rn <= 1500));
	SELECT tweetlda.process_pending(10000);
	SELECT status FROM tweetlda.drift();  -- a drift check of the active model for stream_status
	CREATE ROLE metabase LOGIN PASSWORD 'bi-secret' IN ROLE tweetlda_dashboard;});
is($node->safe_psql($db, q{SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'metabase'}),
	't', 'the password is stored as a SCRAM verifier');

# Compile the program into the test folder.
my $classes = "$PostgreSQL::Test::Utils::tmp_check/jdbc";
mkdir $classes;
my ($stdout, $stderr) = capture(['javac', '-d', $classes, "$root/test/jdbc/BiCheck.java"]);
is($stderr, '', 'BiCheck.java compiles');

my $url = sprintf('jdbc:postgresql://127.0.0.1:%d/%s', $node->port, $db);
($stdout, $stderr) = capture(['java', '-cp', "$jar:$classes", 'BiCheck', $url, 'metabase', 'wrong']);
like($stdout . $stderr, qr/password authentication failed/, 'a wrong password is refused over TCP');

($stdout, $stderr) = capture(['java', '-cp', "$jar:$classes", 'BiCheck', $url, 'metabase', 'bi-secret']);
note $stdout;
diag $stderr if $stderr ne '';
for my $line (split /\n/, $stdout) {
	ok(1, $1) if $line =~ /^ok (.*)$/;
	ok(0, $1) if $line =~ /^FAIL (.*)$/;
}
like($stdout, qr/\ndone\n?$/, 'the Java program ran to the end without failures');
like($stdout, qr/^views: .*\btopics\b.*$/m, 'the views are listed');
like($stdout, qr/refused with 42501: SELECT count\(\*\) FROM tweetlda.tweets/, 'raw-table reads were checked');
like($stdout, qr/^ok stream_status shows the serving model and the latest drift check$/m,
	'the drift figures are read through tweetlda_bi.stream_status');
like($stdout, qr/refused with 42501: SELECT count\(\*\) FROM tweetlda.drift_history/, 'drift_history itself is closed');

# DROP EXTENSION removes the BI schema too (it is a member of the extension).
$node->safe_psql($db, 'DROP EXTENSION tweetlda');
is($node->safe_psql($db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'tweetlda_bi'"), '0',
	'DROP EXTENSION removes schema tweetlda_bi');
$node->stop;
done_testing();

# Run a command; its stdout and stderr.
sub capture
{
	my ($cmd) = @_;
	my ($out, $err) = ('', '');
	IPC::Run::run($cmd, '>', \$out, '2>', \$err);
	return wantarray ? ($out, $err) : $out;
}
