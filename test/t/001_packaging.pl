# Packaging: one version number in the control file, META.json and the installed extension.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $root = $ENV{TWEETLDA_ROOT} or die "TWEETLDA_ROOT is not set";

# Read a whole file.
sub slurp_file_at { my ($f) = @_; open(my $fh, '<', $f) or die "$f: $!"; local $/; return <$fh>; }

my ($control_version) = slurp_file_at("$root/tweetlda.control") =~ /^default_version\s*=\s*'([^']+)'/m;
ok($control_version, "control file has a default_version");
my $meta = slurp_file_at("$root/META.json");
my @meta_versions = $meta =~ /"version"\s*:\s*"([^"]+)"/g;
is($meta_versions[0], $control_version, "META.json version matches the control file");
is($meta_versions[1], $control_version, "META.json provides version matches the control file");

my $node = PostgreSQL::Test::Cluster->new('packaging');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION tweetlda');
is($node->safe_psql('postgres', "SELECT extversion FROM pg_extension WHERE extname = 'tweetlda'"),
	$control_version, 'installed version is the control file version');
is($node->safe_psql('postgres', "SELECT count(*) FROM pg_namespace WHERE nspname = 'tweetlda'"),
	'1', 'schema tweetlda exists');

# DROP EXTENSION removes every object; the schema stays, empty, and CREATE works again.
$node->safe_psql('postgres', 'DROP EXTENSION tweetlda');
is($node->safe_psql('postgres',
	"SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = 'tweetlda'::regnamespace)
	      + (SELECT count(*) FROM pg_proc WHERE pronamespace = 'tweetlda'::regnamespace)
	      + (SELECT count(*) FROM pg_type WHERE typnamespace = 'tweetlda'::regnamespace)"),
	'0', 'DROP EXTENSION removes every object');
$node->safe_psql('postgres', 'CREATE EXTENSION tweetlda');
is($node->safe_psql('postgres', "SELECT extversion FROM pg_extension WHERE extname = 'tweetlda'"),
	$control_version, 'CREATE EXTENSION works again after DROP');
# Every program the project installs (tweetlda-*) is linked into LINKDIR (default
# /usr/local/bin), since Debian's PostgreSQL bindir is not on PATH: checked in the private
# installation that test/run-tests made with make install DESTDIR=... (the link names the final
# path, without DESTDIR).
SKIP:
{
	my $inst = $ENV{TWEETLDA_INSTALL};
	skip 'TWEETLDA_INSTALL is not set (not run by test/run-tests)', 4 unless $inst;
	my $linkdir = $ENV{TWEETLDA_LINKDIR} // '/usr/local/bin';
	my $bindir = `pg_config --bindir`;
	chomp $bindir;
	ok(index($bindir, $inst) == 0, 'pg_config is the private installation\'s');
	my $final = substr($bindir, length $inst);
	opendir(my $dh, $bindir) or die "$bindir: $!";
	my @programs = sort grep { /^tweetlda/ && -f "$bindir/$_" } readdir $dh;
	closedir $dh;
	ok((grep { $_ eq 'tweetlda-ingest' } @programs), 'tweetlda-ingest is installed into bindir');
	my @bad = grep { (readlink("$inst$linkdir/$_") // '') ne "$final/$_" } @programs;
	is("@bad", '', "every installed program is linked from $linkdir to $final");
	ok(-x "$inst" . readlink("$inst$linkdir/tweetlda-ingest"), 'the link resolves to the program');
}
$node->stop;
done_testing();
