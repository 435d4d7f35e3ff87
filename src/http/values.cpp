// Helpers on the HTTP value types (include/hyperoru/http.hpp). No curl here: these are shared by
// the curl transport, the client and the test fakes.
#include <algorithm>
#include <cctype>

#include "hyperoru/http.hpp"

namespace hyperoru::http {

namespace {
bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}
}  // namespace

std::optional<std::string> find_header(const Headers& headers, std::string_view name) {
    for (const auto& header : headers) {
        if (iequals(header.name, name)) return header.value;
    }
    return std::nullopt;
}

bool BodySink::start(const Response&) {
    return true;
}

Outcome Transport::stream(const Request& request, BodySink& sink) {
    Outcome outcome = perform(request);
    if (auto* response = std::get_if<Response>(&outcome);
        response && response->status >= 200 && response->status < 300) {
        bool go_on = true;
        if (!response->body.empty()) {
            std::string body = std::move(response->body);
            response->body.clear();
            go_on = sink.start(*response) && sink.write(body);
        }
        if (!go_on) return Failure{FailureKind::aborted, "aborted by the receiver", true};
    }
    return outcome;
}

const char* to_string(FailureKind kind) {
    switch (kind) {
        case FailureKind::resolve: return "resolve";
        case FailureKind::connect: return "connect";
        case FailureKind::tls: return "tls";
        case FailureKind::certificate: return "certificate";
        case FailureKind::timeout: return "timeout";
        case FailureKind::too_large: return "too_large";
        case FailureKind::send: return "send";
        case FailureKind::receive: return "receive";
        case FailureKind::aborted: return "aborted";
        case FailureKind::protocol: return "protocol";
        case FailureKind::other: return "other";
    }
    return "other";
}

}  // namespace hyperoru::http
