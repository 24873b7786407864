#include "tools/zpipe/plugin_config.h"

#include <gtest/gtest.h>

namespace segstream::plugin {
namespace {

PluginYaml MustParse(std::string_view text) {
  auto y = ParsePluginYaml(text);
  EXPECT_TRUE(y.ok()) << y.status().ToString();
  return y.ok() ? *y : PluginYaml{};
}

std::string ErrorOf(std::string_view text) {
  auto y = ParsePluginYaml(text);
  EXPECT_FALSE(y.ok()) << "accepted: " << text;
  return y.ok() ? "" : y.status().message();
}

TEST(PluginYaml, ReadsWhatGpbackupWrites) {
  // yaml.Marshal of gpbackup's PluginConfig, with the options it adds per host.
  PluginYaml y = MustParse(
      "executablepath: /usr/local/bin/gpbackup_segstream_plugin\n"
      "options:\n"
      "  backup_plugin_version: \"\"\n"
      "  directory: /srv/backups\n"
      "  pgport: \"6000\"\n");
  EXPECT_EQ(y.executable_path, "/usr/local/bin/gpbackup_segstream_plugin");
  ASSERT_EQ(y.options.size(), 3u);
  EXPECT_EQ(y.options["directory"], "/srv/backups");
  EXPECT_EQ(y.options["pgport"], "6000");
  EXPECT_EQ(y.options["backup_plugin_version"], "");
}

TEST(PluginYaml, QuotingCommentsAndBlankLines) {
  PluginYaml y = MustParse(
      "---\n"
      "# the store\n"
      "executablepath: '/opt/it''s/plugin'   # comment\r\n"
      "\n"
      "options:   # mapping follows\n"
      "    remote_command: \"ssh -p 2222 backup@vault\"\n"
      "    # an indented comment\n"
      "    directory: \"/srv/with space/\\u00e9\\x41\\\"q\\\\\"\n"
      "    level: 3 # trailing comment\n"
      "    codec: zstd#not-a-comment\n"
      "    empty:\n"
      "    tilde: ~\n");
  EXPECT_EQ(y.executable_path, "/opt/it's/plugin");
  EXPECT_EQ(y.options["remote_command"], "ssh -p 2222 backup@vault");
  EXPECT_EQ(y.options["directory"],
            "/srv/with space/\xc3\xa9"
            "A\"q\\");
  EXPECT_EQ(y.options["level"], "3");
  EXPECT_EQ(y.options["codec"], "zstd#not-a-comment");
  EXPECT_EQ(y.options["empty"], "");
  EXPECT_EQ(y.options["tilde"], "");
}

TEST(PluginYaml, EmptyOptionsMapping) {
  EXPECT_TRUE(MustParse("executablepath: /p\noptions: {}\n").options.empty());
  EXPECT_TRUE(MustParse("executablepath: /p\noptions:\n").options.empty());
}

TEST(PluginYaml, RefusesWhatItCannotReadExactly) {
  EXPECT_NE(ErrorOf("executablepath: /p\noptions:\n\tdirectory: /x\n").find("line 3: a tab"),
            std::string::npos);
  EXPECT_NE(ErrorOf("executablepath: /p\nbucket: x\n").find("line 2: unknown key 'bucket'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("executablepath: /p\nexecutablepath: /q\n").find("given twice"),
            std::string::npos);
  EXPECT_NE(ErrorOf("options:\n  a: 1\n  a: 2\n").find("line 3: option 'a' given twice"),
            std::string::npos);
  EXPECT_NE(ErrorOf("options:\n  a: 1\n    b: 2\n").find("indented alike"), std::string::npos);
  EXPECT_NE(ErrorOf("options:\n  a:\n    - x\n").find("line 3"), std::string::npos);
  EXPECT_NE(ErrorOf("options: [a, b]\n").find("mapping"), std::string::npos);
  EXPECT_NE(ErrorOf("  executablepath: /p\n").find("unexpected indentation"), std::string::npos);
  EXPECT_NE(ErrorOf("executablepath /p\n").find("expected 'key: value'"), std::string::npos);
  EXPECT_NE(ErrorOf("options:\n  a: &anchor x\n").find("only plain or quoted"), std::string::npos);
  EXPECT_NE(ErrorOf("options:\n  a: |\n").find("only plain or quoted"), std::string::npos);
  EXPECT_NE(ErrorOf("options:\n  a: \"open\n").find("no closing quote"), std::string::npos);
  EXPECT_NE(ErrorOf("options:\n  a: 'x' y\n").find("text after a quoted value"), std::string::npos);
  EXPECT_NE(ErrorOf("options:\n  a: \"\\q\"\n").find("unknown escape"), std::string::npos);
  EXPECT_NE(ErrorOf("options:\n  a: \"x\\0y\"\n").find("NUL"), std::string::npos);
  EXPECT_NE(ErrorOf("options:\n  a: b: c\n").find("': '"), std::string::npos);
}

PluginYaml WithOptions(std::map<std::string, std::string> options) {
  return PluginYaml{"/usr/bin/plugin", std::move(options)};
}

TEST(PluginConfig, DefaultsAndGpbackupsOwnOptions) {
  auto c = ConfigFromYaml(
      WithOptions({{"directory", "/srv/bk"}, {"pgport", "5432"}, {"backup_plugin_version", ""}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->directory, "/srv/bk");
  EXPECT_EQ(c->remote_command, "");
  EXPECT_EQ(c->codec, format::Codec::kZstd);
  EXPECT_EQ(c->level, 1);
  EXPECT_FALSE(c->restore_subset);
}

TEST(PluginConfig, CodecLevelRemoteAndSubset) {
  auto c = ConfigFromYaml(WithOptions({{"directory", "/d"},
                                       {"codec", "gzip"},
                                       {"level", "9"},
                                       {"remote_command", "ssh vault"},
                                       {"restore_subset", "on"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->codec, format::Codec::kGzip);
  EXPECT_EQ(c->level, 9);
  EXPECT_EQ(c->remote_command, "ssh vault");
  EXPECT_TRUE(c->restore_subset);
  auto lz4 = ConfigFromYaml(WithOptions({{"directory", "/d"}, {"codec", "lz4"}}));
  ASSERT_TRUE(lz4.ok());
  EXPECT_EQ(lz4->level, 1);
}

TEST(PluginConfig, ClearErrors) {
  auto message = [](std::map<std::string, std::string> options) {
    auto c = ConfigFromYaml(WithOptions(std::move(options)));
    EXPECT_FALSE(c.ok());
    EXPECT_EQ(c.status().kind(), ErrorKind::kUsage);
    return c.ok() ? "" : c.status().message();
  };
  EXPECT_NE(message({}).find("directory is required"), std::string::npos);
  EXPECT_NE(message({{"directory", "rel/dir"}}).find("absolute"), std::string::npos);
  EXPECT_NE(message({{"directory", "/d"}, {"drectory", "/d"}}).find("unknown option 'drectory'"),
            std::string::npos);
  EXPECT_NE(message({{"directory", "/d"}, {"codec", "xz"}}).find("codec"), std::string::npos);
  EXPECT_NE(message({{"directory", "/d"}, {"level", "20"}}).find("-7 to 19"), std::string::npos);
  EXPECT_NE(message({{"directory", "/d"}, {"level", "3x"}}).find("level"), std::string::npos);
  EXPECT_NE(message({{"directory", "/d"}, {"restore_subset", "yes"}}).find("on or off"),
            std::string::npos);
  auto no_exec = ConfigFromYaml(PluginYaml{"", {{"directory", "/d"}}});
  EXPECT_FALSE(no_exec.ok());
  EXPECT_NE(no_exec.status().message().find("executablepath is required"), std::string::npos);
}

TEST(PluginConfig, MissingFileIsAnIoErrorNamingIt) {
  auto c = LoadPluginConfig("/nonexistent/plugin.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().kind(), ErrorKind::kIo);
  EXPECT_NE(c.status().message().find("/nonexistent/plugin.yaml"), std::string::npos);
}

}  // namespace
}  // namespace segstream::plugin
