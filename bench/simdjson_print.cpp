// The "validate and print" reference of bench/run.sh: reads all of standard input, validates it
// as JSON with simdjson's On Demand API and prints it indented with 2 spaces, like `jq .` and
// `hyperoru -o json`. Every number, string and key is printed as its original text (the value's
// raw_json_token), and is also decoded (get_number, get_string, unescaped_key) so that a bad
// number or escape fails the run: the same work as an exact printer, done by a fast parser.
// Exit 0 on success, 1 with a message on stderr when the input is not JSON. --version prints the
// simdjson version and the implementation it picked for this CPU.
//
// Not part of the CMake build: run.sh compiles it against Debian's libsimdjson-dev,
//   g++ -O2 -std=c++17 bench/simdjson_print.cpp -lsimdjson -o simdjson-print
#include <simdjson.h>

#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace {

namespace od = simdjson::ondemand;

/// Standard output through one buffer, written out in blocks.
class Out {
public:
    Out() { m_buffer.reserve(2 * k_block); }

    void put(std::string_view text) {
        m_buffer.append(text);
        if (m_buffer.size() >= k_block) flush();
    }
    void put(char c) { m_buffer.push_back(c); }
    void newline(int depth) {
        m_buffer.push_back('\n');
        m_buffer.append(static_cast<std::size_t>(depth) * 2, ' ');
        if (m_buffer.size() >= k_block) flush();
    }
    /// Writes what is buffered; the caller's last call (a destructor must not throw).
    void flush() {
        const char* at = m_buffer.data();
        std::size_t left = m_buffer.size();
        while (left > 0) {
            const ssize_t written = ::write(STDOUT_FILENO, at, left);
            if (written < 0 && errno == EINTR) continue;
            if (written < 0) throw std::runtime_error(std::string("write: ") + std::strerror(errno));
            at += written;
            left -= static_cast<std::size_t>(written);
        }
        m_buffer.clear();
    }

private:
    static constexpr std::size_t k_block = 1 << 16;
    std::string m_buffer;
};

/// A scalar's token without the whitespace that raw_json_token() keeps up to the next token.
std::string_view trimmed(std::string_view token) {
    while (!token.empty() &&
           (token.back() == ' ' || token.back() == '\n' || token.back() == '\r' || token.back() == '\t'))
        token.remove_suffix(1);
    return token;
}

/// The raw text of a key, from just after its opening quote to its closing quote.
std::string_view raw_key(const char* start) {
    const char* at = start;
    while (*at != '"') at += *at == '\\' ? 2 : 1;
    return {start, static_cast<std::size_t>(at - start)};
}

void print_value(od::value value, Out& out, int depth);

void print_array(od::array array, Out& out, int depth) {
    out.put('[');
    bool first = true;
    for (auto element : array) {
        if (!first) out.put(',');
        first = false;
        out.newline(depth + 1);
        print_value(element.value(), out, depth + 1);
    }
    if (!first) out.newline(depth);
    out.put(']');
}

void print_object(od::object object, Out& out, int depth) {
    out.put('{');
    bool first = true;
    for (auto field_result : object) {
        od::field field = std::move(field_result);
        if (!first) out.put(',');
        first = false;
        out.newline(depth + 1);
        const std::string_view key = raw_key(field.key().raw());
        std::string_view unescaped = field.unescaped_key();  // validates the escapes
        (void)unescaped;
        out.put('"');
        out.put(key);
        out.put("\": ");
        print_value(field.value(), out, depth + 1);
    }
    if (!first) out.newline(depth);
    out.put('}');
}

/// One value, from an od::value or from the document itself (a document whose root is a scalar
/// has no od::value): the same calls exist on both.
template <class Source>
void print_node(Source& source, Out& out, int depth) {
    switch (od::json_type(source.type())) {
        case od::json_type::array: print_array(source.get_array(), out, depth); return;
        case od::json_type::object: print_object(source.get_object(), out, depth); return;
        case od::json_type::number: {
            const std::string_view token = trimmed(source.raw_json_token());
            od::number number = source.get_number();
            (void)number;
            out.put(token);
            return;
        }
        case od::json_type::string: {
            const std::string_view token = trimmed(source.raw_json_token());
            std::string_view text = source.get_string();
            (void)text;
            out.put(token);
            return;
        }
        case od::json_type::boolean: out.put(bool(source.get_bool()) ? "true" : "false"); return;
        case od::json_type::null:
            if (!bool(source.is_null())) throw simdjson::simdjson_error(simdjson::INCORRECT_TYPE);
            out.put("null");
            return;
    }
}

void print_value(od::value value, Out& out, int depth) {
    print_node(value, out, depth);
}

void print_document(od::document& document, Out& out) {
    print_node(document, out, 0);
    // Anything after the root value is an error; On Demand only sees it when asked.
    if (document.current_location().error() != simdjson::OUT_OF_BOUNDS)
        throw simdjson::simdjson_error(simdjson::TRAILING_CONTENT);
    out.put('\n');
}

/// A buffer from malloc: realloc can move a large one with mremap instead of a copy.
struct FreeDeleter {
    void operator()(char* data) const { std::free(data); }
};

/// All of standard input, with at least the padding simdjson reads past the end after it.
struct Input {
    std::unique_ptr<char, FreeDeleter> data;
    std::size_t size = 0;
    std::size_t capacity = 0;
};

Input read_all() {
    Input input;
    for (;;) {
        if (input.capacity - input.size < (1 << 16) + simdjson::SIMDJSON_PADDING) {
            const std::size_t capacity = input.capacity ? 2 * input.capacity : 1 << 20;
            char* grown = static_cast<char*>(std::realloc(input.data.get(), capacity));
            if (grown == nullptr) throw std::bad_alloc();
            static_cast<void>(input.data.release());
            input.data.reset(grown);
            input.capacity = capacity;
        }
        const ssize_t got = ::read(STDIN_FILENO, input.data.get() + input.size,
                                   input.capacity - input.size - simdjson::SIMDJSON_PADDING);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) throw std::runtime_error(std::string("read: ") + std::strerror(errno));
        if (got == 0) return input;
        input.size += static_cast<std::size_t>(got);
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && std::string_view(argv[1]) == "--version") {
        // The kernels the library picked for this CPU at run time (stage 1 and strings).
        std::printf("simdjson %d.%d.%d, %s implementation\n", simdjson::SIMDJSON_VERSION_MAJOR,
                    simdjson::SIMDJSON_VERSION_MINOR, simdjson::SIMDJSON_VERSION_REVISION,
                    simdjson::get_active_implementation()->name().c_str());
        return 0;
    }
    if (argc != 1) {
        std::fprintf(stderr, "usage: simdjson-print [--version] < JSON\n");
        return 2;
    }
    try {
        const Input input = read_all();
        od::parser parser;
        od::document document =
            parser.iterate(simdjson::padded_string_view(input.data.get(), input.size, input.capacity));
        Out out;
        print_document(document, out);
        out.flush();
    } catch (const std::exception& error) {
        std::fprintf(stderr, "simdjson-print: %s\n", error.what());
        return 1;
    }
    return 0;
}
