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
$node->stop;
done_testing();
