// Tables for humans: exact layout, alignment by display width, and server text that cannot
// drive the terminal.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "cli/table.hpp"
#include "hyperoru/exact_json.hpp"

using namespace hyperoru::cli;
namespace json = hyperoru::json;

namespace {

std::string table(std::string_view rows, const std::vector<Column>& columns) {
    std::ostringstream out;
    write_table(out, json::parse(rows), columns);
    return out.str();
}

std::string derived_table(std::string_view rows) {
    const json::Value value = json::parse(rows);
    std::ostringstream out;
    write_table(out, value, columns_from_rows(value));
    return out.str();
}

std::string key_values(std::string_view object) {
    std::ostringstream out;
    write_key_values(out, json::parse(object));
    return out.str();
}

}  // namespace

TEST_CASE("a table aligns columns and shows missing values as a dash", "[table]") {
    const std::vector<Column> columns = {
        {"ID", {"id"}}, {"SYMBOL", {"symbol", "ticker"}}, {"QTY", {"qty"}}, {"NOTE", {"note"}}};
    const std::string rows = R"([
        {"id": "ord_1", "symbol": "BTC/USD", "qty": 0.00000012, "note": "first"},
        {"id": "ord_22", "ticker": "ETH", "qty": null},
        {"id": "o3", "symbol": null, "ticker": "SOL", "qty": 67012.50, "note": ""}
    ])";
    CHECK(table(rows, columns) ==
          "ID      SYMBOL   QTY         NOTE\n"
          "ord_1   BTC/USD  0.00000012  first\n"
          "ord_22  ETH      -           -\n"
          "o3      SOL      67012.50\n");  // empty last cell: no trailing spaces
}

TEST_CASE("the last column is never padded", "[table]") {
    const std::string out =
        table(R"([{"a": "x", "b": "long value"}, {"a": "longer", "b": "y"}])", {{"A", {"a"}}, {"B", {"b"}}});
    CHECK(out == "A       B\nx       long value\nlonger  y\n");
    CHECK(out.find(" \n") == std::string::npos);
}

TEST_CASE("columns derived from rows: union of keys in first-seen order", "[table]") {
    const json::Value rows = json::parse(R"([{"id": 1, "name": "a"}, {"id": 2, "side": "buy"}, 7])");
    const std::vector<Column> columns = columns_from_rows(rows);
    REQUIRE(columns.size() == 3);
    CHECK(columns[0].header == "ID");
    CHECK(columns[1].header == "NAME");
    CHECK(columns[2].header == "SIDE");
    CHECK(columns[2].keys == std::vector<std::string>{"side"});
    // A row that is not an object shows its text in the first column.
    CHECK(derived_table(R"([{"id": 1, "name": "a"}, {"id": 2, "side": "buy"}, 7])") ==
          "ID  NAME  SIDE\n"
          "1   a     -\n"
          "2   -     buy\n"
          "7\n");
    CHECK(derived_table(R"({"k": true, "v": [1, {"x": null}]})") == "K     V\ntrue  [1,{\"x\":null}]\n");
    CHECK(derived_table(R"(["a", "b"])") == "a\nb\n");
    CHECK(derived_table("[]").empty());
    CHECK(table("[]", {{"ID", {"id"}}, {"NAME", {"name"}}}) == "ID  NAME\n");
}

TEST_CASE("wide characters are aligned by display width", "[table]") {
    CHECK(display_width("abc") == 3);
    CHECK(display_width("日本語") == 6);
    CHECK(display_width("한국") == 4);
    CHECK(display_width("ＡＢ") == 4);
    CHECK(display_width("e\xCC\x81") == 1);  // e + combining acute accent
    CHECK(display_width("é") == 1);
    CHECK(display_width("\xF0\x9F\x98\x80") == 2);  // emoji
    // Emoji the old hand-written ranges got wrong: a symbol with variation selector 16, a
    // thumbs-up with a skin tone, a ZWJ family, a flag, a high-voltage sign outside U+1F300.
    CHECK(display_width("\xE2\x9C\x94\xEF\xB8\x8F") == 2);          // U+2714 U+FE0F
    CHECK(display_width("\xE2\x9C\x94") == 1);                      // U+2714 alone: text presentation
    CHECK(display_width("\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD") == 2);  // U+1F44D U+1F3FD
    CHECK(display_width("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7") == 2);
    CHECK(display_width("\xF0\x9F\x87\xBA\xF0\x9F\x87\xB8") == 2);  // U+1F1FA U+1F1F8
    CHECK(display_width("\xE2\x9A\xA1") == 2);                      // U+26A1
    CHECK(display_width("a\xCC\x81\xCC\xA7"
                        "b") == 2);  // two combining marks
    CHECK(display_width("a\xFF"
                        "b") == 3);  // a stray byte: one column
    CHECK(display_width("") == 0);
    CHECK(table(R"([{"name": "日本語", "n": 1}, {"name": "abcd", "n": 22}, {"name": "e\u0301", "n": 3}])",
                {{"NAME", {"name"}}, {"N", {"n"}}}) ==
          "NAME    N\n"
          "日本語  1\n"
          "abcd    22\n"
          "e\xCC\x81       3\n");
    CHECK(table("[{\"name\": \"\\ud83d\\ude80 moon\", \"n\": 1}, {\"name\": \"\\u26a1 fast\", \"n\": 2}, "
                "{\"name\": \"\\ud83d\\udc4d\\ud83c\\udffd\", \"n\": 3}, {\"name\": \"plain\", \"n\": 4}]",
                {{"NAME", {"name"}}, {"N", {"n"}}}) ==
          "NAME     N\n"
          "\xF0\x9F\x9A\x80 moon  1\n"
          "\xE2\x9A\xA1 fast  2\n"
          "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD       3\n"
          "plain    4\n");
}

TEST_CASE("server text cannot drive the terminal", "[table]") {
    CHECK(sanitize_for_terminal("plain é 日本") == "plain é 日本");
    CHECK(sanitize_for_terminal("\x1B[2J\x1B]0;title\x07") == "\\x1B[2J\\x1B]0;title\\x07");
    CHECK(sanitize_for_terminal("a\tb\nc\rd") == "a\\tb\\nc\\rd");
    CHECK(sanitize_for_terminal(std::string_view("\0\x7F", 2)) == "\\x00\\x7F");
    CHECK(sanitize_for_terminal("\xC2\x9B"
                                "31m") == "\\u009B31m");  // C1 CSI
    CHECK(sanitize_for_terminal("abc\xE2\x80\xAE"
                                "fdp.exe") == "abc\\u202Efdp.exe");  // RLO
    CHECK(sanitize_for_terminal("\xE2\x81\xA6x\xE2\x81\xA9") == "\\u2066x\\u2069");
    CHECK(sanitize_for_terminal("bad\xFF\xC3(") == "bad\\xFF\\xC3(");
    CHECK(sanitize_for_terminal("\xC0\xAF") == "\\xC0\\xAF");           // overlong
    CHECK(sanitize_for_terminal("\xF0\x9F\x98") == "\\xF0\\x9F\\x98");  // truncated
    CHECK(sanitize_for_terminal("back\\slash") == "back\\slash");

    const std::string out = table(
        R"([{"id": "\u001b[31mred\u001b[0m", "note": "line1\nline2"}, {"id": "x", "note": "\u202eevil"}])",
        {{"ID", {"id"}}, {"NOTE", {"note"}}});
    CHECK(out == "ID" + std::string(18, ' ') +
                     "NOTE\n"
                     "\\x1B[31mred\\x1B[0m  line1\\nline2\n"  // 18 columns wide
                     "x" +
                     std::string(19, ' ') + "\\u202Eevil\n");
    CHECK(out.find('\x1B') == std::string::npos);
    // Keys and nested values are server text too.
    CHECK(derived_table(R"([{"\u001bk": {"v": "\u009b"}}])") == "\\x1BK\n{\"v\":\"\\u009B\"}\n");
}

TEST_CASE("cell text of each kind of value", "[table]") {
    CHECK(cell_text(json::parse("\"text\"")) == "text");
    CHECK(cell_text(json::parse("1e400")) == "1e400");
    CHECK(cell_text(json::parse("67012.50")) == "67012.50");
    CHECK(cell_text(json::parse("true")) == "true");
    CHECK(cell_text(json::parse("false")) == "false");
    CHECK(cell_text(json::parse("null")) == "-");
    CHECK(cell_text(json::parse("\"\"")).empty());
    CHECK(cell_text(json::parse(R"([1, "a\nb", {"k": 2.50}])")) == R"([1,"a\nb",{"k":2.50}])");
}

TEST_CASE("key/value layout pads the keys only", "[table]") {
    CHECK(key_values(R"({"id": "acc_1", "balance": 100.50, "active": true, "owner": null,
                         "tags": ["a"], "note": ""})") ==
          "id       acc_1\n"
          "balance  100.50\n"
          "active   true\n"
          "owner    -\n"
          "tags     [\"a\"]\n"
          "note\n");
    CHECK(key_values(R"({"名前": "x", "id": "\u001b"})") == "名前  x\nid    \\x1B\n");
    CHECK(key_values("{}").empty());
    CHECK(key_values("\"just text\"") == "just text\n");
    CHECK(key_values("[1, 2]") == "[1,2]\n");
}

TEST_CASE("status words have a colour: green, yellow or red, case-insensitive", "[table]") {
    for (const char* word : {"ok", "healthy", "active", "running", "filled", "executed", "completed",
                             "complete", "success", "succeeded", "connected", "enabled", "OK", "Filled"}) {
        INFO(word);
        CHECK(status_colour(word) == "\x1b[32m");
    }
    for (const char* word :
         {"pending", "open", "new", "queued", "processing", "partially_filled", "partial", "PENDING"}) {
        INFO(word);
        CHECK(status_colour(word) == "\x1b[33m");
    }
    for (const char* word : {"error", "failed", "failure", "rejected", "cancelled", "canceled", "stopped",
                             "inactive", "disconnected", "expired", "disabled", "Cancelled"}) {
        INFO(word);
        CHECK(status_colour(word) == "\x1b[31m");
    }
    for (const char* word : {"unknown", "", "-", "oks", "ok ", "filled\x1b", "true"}) {
        INFO(word);
        CHECK(status_colour(word).empty());
    }
}

TEST_CASE("colour wraps status cells after the padding is computed from the plain text", "[table]") {
    const auto rows = json::parse(R"([{"id":1,"status":"filled","side":"buy"},)"
                                  R"({"id":22,"status":"Cancelled","side":"sell"},)"
                                  R"({"id":3,"status":"executed","side":"buy"},)"
                                  R"({"id":4,"side":"buy"}])");
    const std::vector<Column> columns = {
        {"ID", {"id"}}, {"STATUS", {"order_status", "status"}}, {"SIDE", {"side"}}};
    std::ostringstream coloured;
    write_table(coloured, rows, columns, true);
    CHECK(coloured.str() ==
          "ID  STATUS     SIDE\n"
          "1   \x1b[32mfilled\x1b[0m     buy\n"
          "22  \x1b[31mCancelled\x1b[0m  sell\n"
          "3   \x1b[32mexecuted\x1b[0m   buy\n"
          "4   -          buy\n");
    std::ostringstream plain;
    write_table(plain, rows, columns);
    CHECK(plain.str() ==
          "ID  STATUS     SIDE\n"
          "1   filled     buy\n"
          "22  Cancelled  sell\n"
          "3   executed   buy\n"
          "4   -          buy\n");

    // The last column too, and `state` like `status`; other columns never.
    std::ostringstream last;
    write_table(last, json::parse(R"([{"name":"ok","state":"pending"}])"),
                {{"NAME", {"name"}}, {"STATE", {"state"}}}, true);
    CHECK(last.str() == "NAME  STATE\nok    \x1b[33mpending\x1b[0m\n");
}

TEST_CASE("colour in key/value lines: the values of status and state only", "[table]") {
    std::ostringstream out;
    write_key_values(out, json::parse(R"({"status":"healthy","note":"ok","state":"error","code":"new"})"),
                     true);
    CHECK(out.str() ==
          "status  \x1b[32mhealthy\x1b[0m\n"
          "note    ok\n"
          "state   \x1b[31merror\x1b[0m\n"
          "code    new\n");
    // Server text is neutralised before it is matched: an escape inside cannot pass.
    std::ostringstream hostile;
    write_key_values(hostile, json::parse(R"({"status":"ok\u001b[2J"})"), true);
    CHECK(hostile.str() == "status  ok\\x1B[2J\n");
}

TEST_CASE("columns for keys: in order, headers upper-cased", "[table]") {
    const auto columns = columns_for_keys({"name", "id", "max_leverage", "Ünï"});
    REQUIRE(columns.size() == 4);
    CHECK(columns[0].header == "NAME");
    CHECK(columns[0].keys == std::vector<std::string>{"name"});
    CHECK(columns[1].header == "ID");
    CHECK(columns[2].header == "MAX_LEVERAGE");
    CHECK(columns[2].keys == std::vector<std::string>{"max_leverage"});
    CHECK(columns[3].header == "ÜNï");  // ASCII letters only
}
