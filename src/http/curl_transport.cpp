// The libcurl transport: the only code in the project that includes curl.
//
// One easy handle lives as long as the transport and is reused for every request, so libcurl
// keeps the connection alive between calls of one process. Redirects are never followed here:
// the client decides (§1.1). Every trace line goes through the redactor before it is written.
#include <curl/curl.h>
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>

#include <strings.h>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "http/failure_text.hpp"
#include "http/redact.hpp"
#include "hyperoru/http.hpp"

namespace hyperoru::http {

GlobalInit::GlobalInit() {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        throw std::runtime_error("libcurl initialisation failed");
    }
}
GlobalInit::~GlobalInit() {
    curl_global_cleanup();
}

namespace {

struct EasyDeleter {
    void operator()(CURL* easy) const noexcept { curl_easy_cleanup(easy); }
};
struct SlistDeleter {
    void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};
struct MultiDeleter {
    void operator()(CURLM* multi) const noexcept { curl_multi_cleanup(multi); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using MultiHandle = std::unique_ptr<CURLM, MultiDeleter>;
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

/// Thrown inside perform() when libcurl refuses an option; turned into a Failure there.
struct OptionError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

template <class T>
void set(CURL* easy, CURLoption option, T value, const char* name) {
    if (const CURLcode rc = curl_easy_setopt(easy, option, value); rc != CURLE_OK) {
        throw OptionError(std::string("libcurl refused ") + name + ": " + curl_easy_strerror(rc));
    }
}
#define HYPERORU_SET(easy, option, value) set(easy, option, value, #option)

bool has_cr_or_lf(std::string_view s) {
    return s.find_first_of("\r\n") != std::string_view::npos;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
        s.remove_suffix(1);
    }
    return s;
}

/// State of the transfer in progress; the callbacks see it through their user pointer.
struct Transfer {
    Response response;
    BodySink* sink = nullptr;   ///< receives 2xx bodies as they arrive, when streaming
    long status = 0;            ///< of the status line last seen
    bool sink_started = false;  ///< the sink was given the response's head
    bool sink_stopped = false;  ///< the sink asked to stop
    std::size_t cap = 0;
    bool too_large = false;
    const std::atomic<bool>* interrupted = nullptr;
    std::ostream* trace = nullptr;
    const std::vector<std::string>* secrets = nullptr;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto& transfer = *static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    if (transfer.sink != nullptr && transfer.status >= 200 && transfer.status < 300) {
        if (!transfer.sink_started) {
            transfer.sink_started = true;
            Response head;
            head.status = transfer.status;
            head.reason = transfer.response.reason;
            head.headers = transfer.response.headers;
            if (!transfer.sink->start(head)) {
                transfer.sink_stopped = true;
                return 0;
            }
        }
        if (transfer.sink->write(std::string_view(data, bytes))) return bytes;
        transfer.sink_stopped = true;
        return 0;
    }
    if (transfer.response.body.size() + bytes > transfer.cap) {
        transfer.too_large = true;
        return 0;  // makes libcurl abort with CURLE_WRITE_ERROR
    }
    transfer.response.body.append(data, bytes);
    return bytes;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto& transfer = *static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    const std::string_view line(data, bytes);
    if (line.starts_with("HTTP/")) {
        // A new status line: an interim (1xx) answer's headers are dropped, only the final
        // response's headers are kept.
        transfer.response.headers.clear();
        transfer.response.reason.clear();
        const auto first_space = line.find(' ');
        if (first_space != std::string_view::npos) {
            transfer.status = std::strtol(std::string(line.substr(first_space + 1, 3)).c_str(), nullptr, 10);
            const auto second_space = line.find(' ', first_space + 1);
            if (second_space != std::string_view::npos) {
                transfer.response.reason = std::string(trim(line.substr(second_space + 1)));
            }
        }
        return bytes;
    }
    const auto colon = line.find(':');
    if (colon != std::string_view::npos && colon > 0) {
        transfer.response.headers.push_back(
            Header{std::string(line.substr(0, colon)), std::string(trim(line.substr(colon + 1)))});
        // A body to collect is given its size at once (within the cap): no reallocations, each
        // a copy, and no capacity beyond it.
        const Header& header = transfer.response.headers.back();
        if (strcasecmp(header.name.c_str(), "Content-Length") == 0 && transfer.status >= 200 &&
            transfer.status < 300 && transfer.sink == nullptr) {
            const unsigned long long length = std::strtoull(header.value.c_str(), nullptr, 10);
            if (length > 0 && length <= transfer.cap)
                transfer.response.body.reserve(static_cast<std::size_t>(length));
        }
    }
    return bytes;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    const auto& transfer = *static_cast<Transfer*>(user);
    return transfer.interrupted != nullptr && transfer.interrupted->load() ? 1 : 0;
}

void trace_lines(const Transfer& transfer, std::string_view prefix, std::string_view text) {
    while (!text.empty()) {
        const auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!line.empty()) {
            std::string out(prefix);
            out.append(line);
            *transfer.trace << redact_line(out, *transfer.secrets) << '\n';
        }
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
}

int on_debug(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
    const auto& transfer = *static_cast<Transfer*>(user);
    if (transfer.trace == nullptr) return 0;
    const std::string_view text(data, size);
    switch (type) {
        case CURLINFO_TEXT: trace_lines(transfer, "* ", text); break;
        case CURLINFO_HEADER_OUT: trace_lines(transfer, "> ", text); break;
        case CURLINFO_HEADER_IN: trace_lines(transfer, "< ", text); break;
        default: break;  // bodies are never traced: they may hold passwords and tokens
    }
    transfer.trace->flush();
    return 0;
}

FailureKind classify(CURLcode rc, bool too_large, bool sink_stopped) {
    if (rc == CURLE_WRITE_ERROR && sink_stopped) return FailureKind::aborted;
    switch (rc) {
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY: return FailureKind::resolve;
        case CURLE_COULDNT_CONNECT: return FailureKind::connect;
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_SSL_INVALIDCERTSTATUS:
        case CURLE_SSL_CRL_BADFILE: return FailureKind::certificate;
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_ENGINE_NOTFOUND:
        case CURLE_SSL_ENGINE_SETFAILED:
        case CURLE_SSL_ENGINE_INITFAILED:
        case CURLE_USE_SSL_FAILED: return FailureKind::tls;
        case CURLE_OPERATION_TIMEDOUT: return FailureKind::timeout;
        case CURLE_FILESIZE_EXCEEDED: return FailureKind::too_large;
        case CURLE_WRITE_ERROR: return too_large ? FailureKind::too_large : FailureKind::other;
        case CURLE_SEND_ERROR: return FailureKind::send;
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_PARTIAL_FILE: return FailureKind::receive;
        case CURLE_ABORTED_BY_CALLBACK: return FailureKind::aborted;
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
        case CURLE_WEIRD_SERVER_REPLY:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
        case CURLE_BAD_CONTENT_ENCODING: return FailureKind::protocol;
        default: return FailureKind::other;
    }
}

const char* describe(FailureKind kind) {
    switch (kind) {
        case FailureKind::resolve: return "could not resolve host";
        case FailureKind::connect: return "could not connect";
        case FailureKind::tls: return "TLS error";
        case FailureKind::certificate: return "TLS certificate not trusted";
        case FailureKind::timeout: return "timed out";
        case FailureKind::too_large: return "response too large";
        case FailureKind::send: return "failed sending the request";
        case FailureKind::receive: return "failed receiving the response";
        case FailureKind::aborted: return "aborted";
        case FailureKind::protocol: return "protocol error";
        case FailureKind::other: break;
    }
    return "network error";
}

class CurlTransport final : public Transport {
public:
    explicit CurlTransport(TransportOptions options)
        : m_options(std::move(options)), m_multi(curl_multi_init()), m_easy(curl_easy_init()) {
        if (!m_multi || !m_easy) throw std::runtime_error("libcurl cannot make a handle");
    }

    Outcome perform(const Request& request) override {
        try {
            return perform_checked(request, nullptr);
        } catch (const OptionError& e) {
            return Failure{FailureKind::other, e.what(), false};
        }
    }

    Outcome stream(const Request& request, BodySink& sink) override {
        try {
            return perform_checked(request, &sink);
        } catch (const OptionError& e) {
            return Failure{FailureKind::other, e.what(), false};
        }
    }

private:
    void configure(Transfer& transfer) {
        CURL* easy = m_easy.get();
        HYPERORU_SET(easy, CURLOPT_ERRORBUFFER, m_error);
        HYPERORU_SET(easy, CURLOPT_NOSIGNAL, 1L);
        HYPERORU_SET(easy, CURLOPT_PROTOCOLS_STR, "http,https");
        HYPERORU_SET(easy, CURLOPT_FOLLOWLOCATION, 0L);
        HYPERORU_SET(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_options.connect_timeout.count()));
        HYPERORU_SET(easy, CURLOPT_SSL_VERIFYPEER, m_options.insecure ? 0L : 1L);
        HYPERORU_SET(easy, CURLOPT_SSL_VERIFYHOST, m_options.insecure ? 0L : 2L);
        if (!m_options.cacert.empty()) HYPERORU_SET(easy, CURLOPT_CAINFO, m_options.cacert.c_str());
        if (!m_options.user_agent.empty())
            HYPERORU_SET(easy, CURLOPT_USERAGENT, m_options.user_agent.c_str());
        HYPERORU_SET(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(m_options.max_response_bytes));
        HYPERORU_SET(easy, CURLOPT_WRITEFUNCTION, &on_body);
        HYPERORU_SET(easy, CURLOPT_WRITEDATA, static_cast<void*>(&transfer));
        HYPERORU_SET(easy, CURLOPT_HEADERFUNCTION, &on_header);
        HYPERORU_SET(easy, CURLOPT_HEADERDATA, static_cast<void*>(&transfer));
        HYPERORU_SET(easy, CURLOPT_XFERINFOFUNCTION, &on_progress);
        HYPERORU_SET(easy, CURLOPT_XFERINFODATA, static_cast<void*>(&transfer));
        HYPERORU_SET(easy, CURLOPT_NOPROGRESS, transfer.interrupted != nullptr ? 0L : 1L);
        if (m_options.trace != nullptr) {
            HYPERORU_SET(easy, CURLOPT_DEBUGFUNCTION, &on_debug);
            HYPERORU_SET(easy, CURLOPT_DEBUGDATA, static_cast<void*>(&transfer));
            HYPERORU_SET(easy, CURLOPT_VERBOSE, 1L);
        }
    }

    /// The whole exchange's limit (the tighter of the transport's and the request's, where 0 is
    /// none) and the stall limit: libcurl's low-speed check at 1 byte a second does exactly that.
    void set_limits(const Request& request) {
        CURL* easy = m_easy.get();
        const auto limit = m_options.timeout.count() <= 0 ? request.timeout
                           : request.timeout.count() <= 0 ? m_options.timeout
                                                          : std::min(m_options.timeout, request.timeout);
        HYPERORU_SET(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<std::int64_t>(limit.count(), 0)));
        const auto stall = std::chrono::ceil<std::chrono::seconds>(m_options.stall_timeout).count();
        HYPERORU_SET(easy, CURLOPT_LOW_SPEED_LIMIT, stall > 0 ? 1L : 0L);
        HYPERORU_SET(easy, CURLOPT_LOW_SPEED_TIME, static_cast<long>(std::max<std::int64_t>(stall, 0)));
    }

    void set_method(const Request& request) {
        CURL* easy = m_easy.get();
        // The handle is reused: every request resets the options a previous one may have set.
        HYPERORU_SET(easy, CURLOPT_NOBODY, 0L);
        HYPERORU_SET(easy, CURLOPT_CUSTOMREQUEST, static_cast<const char*>(nullptr));
        HYPERORU_SET(easy, CURLOPT_HTTPGET, 1L);
        if (request.method == "HEAD") {
            HYPERORU_SET(easy, CURLOPT_NOBODY, 1L);
            return;
        }
        if (request.body || request.method == "POST") {
            // POST without a body still sends Content-Length: 0, which servers expect.
            const std::string& body = request.body ? *request.body : m_empty;
            HYPERORU_SET(easy, CURLOPT_POST, 1L);
            HYPERORU_SET(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
            HYPERORU_SET(easy, CURLOPT_POSTFIELDS, body.c_str());
        }
        if (request.method != "GET" && request.method != "POST") {
            HYPERORU_SET(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        }
        // libcurl silently re-sends a request whose reused connection died before the answer.
        // That must never happen to a non-idempotent request (§1.9: an order is sent once), so
        // those always get a connection of their own.
        const bool idempotent = request.method == "GET" || request.method == "HEAD" ||
                                request.method == "PUT" || request.method == "DELETE" ||
                                request.method == "OPTIONS";
        HYPERORU_SET(easy, CURLOPT_FRESH_CONNECT, idempotent ? 0L : 1L);
    }

    Outcome perform_checked(const Request& request, BodySink* sink) {
        for (const auto& header : request.headers) {
            if (has_cr_or_lf(header.name) || has_cr_or_lf(header.value)) {
                return Failure{FailureKind::protocol, "header " + header.name + " contains CR or LF", false};
            }
        }
        if (has_cr_or_lf(request.url)) return Failure{FailureKind::protocol, "URL contains CR or LF", false};

        Transfer transfer;
        transfer.sink = sink;
        transfer.cap = m_options.max_response_bytes;
        transfer.interrupted = m_options.interrupted;
        transfer.trace = m_options.trace;
        transfer.secrets = &m_options.secrets;
        configure(transfer);
        set_method(request);
        set_limits(request);

        HeaderList headers;
        bool has_content_type = false;
        for (const auto& header : request.headers) {
            // libcurl reads "Name:" as "remove this header"; "Name;" sends it with an empty value.
            append(headers, header.value.empty() ? header.name + ";" : header.name + ": " + header.value);
            if (header.name.size() == 12 && strncasecmp(header.name.c_str(), "Content-Type", 12) == 0) {
                has_content_type = true;
            }
        }
        append(headers, "Expect:");  // no 100-continue round trip for small JSON bodies
        if (!has_content_type) append(headers, "Content-Type:");  // libcurl's form default: never
        CURL* easy = m_easy.get();
        HYPERORU_SET(easy, CURLOPT_HTTPHEADER, headers.get());
        HYPERORU_SET(easy, CURLOPT_URL, request.url.c_str());

        m_error[0] = '\0';
        const CURLcode rc = run(transfer);
        // The header list must outlive the transfer; detach it from the handle before freeing.
        HYPERORU_SET(easy, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(nullptr));
        if (rc == CURLE_OK) {
            long status = 0;
            curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
            transfer.response.status = status;
            return std::move(transfer.response);
        }
        return failure(rc, transfer);
    }

    /// Runs the transfer on the multi handle (which keeps the connections alive between
    /// requests), waking at least every 50 ms: an interrupt ends it within that even while the
    /// server sends nothing, where libcurl's progress callback alone runs about once a second.
    CURLcode run(const Transfer& transfer) {
        constexpr int k_wake_ms = 50;
        CURL* easy = m_easy.get();
        CURLM* multi = m_multi.get();
        if (curl_multi_add_handle(multi, easy) != CURLM_OK) return CURLE_OUT_OF_MEMORY;
        CURLcode rc = CURLE_OK;
        for (bool done = false; !done;) {
            int running = 0;
            if (curl_multi_perform(multi, &running) != CURLM_OK) {
                rc = CURLE_OUT_OF_MEMORY;  // the multi handle's own failures are resource failures
                break;
            }
            int queued = 0;
            while (const CURLMsg* message = curl_multi_info_read(multi, &queued)) {
                if (message->msg == CURLMSG_DONE && message->easy_handle == easy) {
                    rc = message->data.result;
                    done = true;
                }
            }
            if (done || running == 0) break;
            if (transfer.interrupted != nullptr && transfer.interrupted->load()) {
                rc = CURLE_ABORTED_BY_CALLBACK;
                break;
            }
            if (curl_multi_poll(multi, nullptr, 0, k_wake_ms, nullptr) != CURLM_OK) {
                rc = CURLE_OUT_OF_MEMORY;
                break;
            }
        }
        curl_multi_remove_handle(multi, easy);
        return rc;
    }

    Failure failure(CURLcode rc, const Transfer& transfer) {
        Failure f;
        f.kind = classify(rc, transfer.too_large, transfer.sink_stopped);
        if (f.kind == FailureKind::too_large) {
            f.message =
                "response too large: more than " + std::to_string(m_options.max_response_bytes) + " bytes";
        } else if (long os_error = 0;
                   f.kind == FailureKind::connect &&
                   curl_easy_getinfo(m_easy.get(), CURLINFO_OS_ERRNO, &os_error) == CURLE_OK &&
                   os_error != 0) {
            // The system's reason ("Connection refused") says what to check; curl's text ("Failed to
            // connect to 127.0.0.1 port 33919 after 0 ms") repeats the summary and names a time that
            // is not the wait people saw once retries are done.
            f.message = std::string(describe(f.kind)) + ": " + std::strerror(static_cast<int>(os_error));
        } else {
            f.message = summarised(describe(f.kind), m_error[0] != '\0' ? m_error : curl_easy_strerror(rc));
        }
        long request_size = 0;
        curl_easy_getinfo(m_easy.get(), CURLINFO_REQUEST_SIZE, &request_size);
        switch (f.kind) {
            case FailureKind::resolve:
            case FailureKind::connect:
            case FailureKind::tls:
            case FailureKind::certificate: f.request_sent = false; break;
            default: f.request_sent = request_size > 0; break;
        }
        return f;
    }

    static void append(HeaderList& list, const std::string& line) {
        curl_slist* grown = curl_slist_append(list.get(), line.c_str());
        if (grown == nullptr) throw OptionError("out of memory building headers");
        (void)list.release();
        list.reset(grown);
    }

    TransportOptions m_options;
    MultiHandle m_multi;  // before the easy handle: cleaned up after it
    EasyHandle m_easy;
    char m_error[CURL_ERROR_SIZE] = {};
    const std::string m_empty;
};

}  // namespace

std::unique_ptr<Transport> make_curl_transport(const TransportOptions& options) {
    return std::make_unique<CurlTransport>(options);
}

}  // namespace hyperoru::http
