#include "support/fake_transport.hpp"

#include <stdexcept>
#include <utility>

namespace hyperoru::test {

void FakeServer::respond(long status, std::string body, http::Headers headers) {
    http::Response response;
    response.status = status;
    response.headers = std::move(headers);
    response.body = std::move(body);
    outcomes.emplace_back(std::move(response));
}

void FakeServer::fail(http::FailureKind kind, bool request_sent, std::string message) {
    outcomes.emplace_back(http::Failure{kind, std::move(message), request_sent});
}

namespace {

class FakeTransport : public http::Transport {
public:
    explicit FakeTransport(std::shared_ptr<FakeServer> server) : m_server(std::move(server)) {}

    http::Outcome perform(const http::Request& request) override {
        m_server->requests.push_back(request);
        if (m_server->clock != nullptr) {
            const bool cut = request.timeout.count() > 0 && request.timeout < m_server->exchange_time;
            m_server->clock->pass(cut ? request.timeout : m_server->exchange_time);
        }
        if (m_server->outcomes.empty()) {
            throw std::logic_error("fake transport: unexpected request " + request.method + " " +
                                   request.url);
        }
        http::Outcome outcome = std::move(m_server->outcomes.front());
        m_server->outcomes.pop_front();
        return outcome;
    }

private:
    std::shared_ptr<FakeServer> m_server;
};

}  // namespace

std::unique_ptr<http::Transport> make_fake_transport(std::shared_ptr<FakeServer> server) {
    return std::make_unique<FakeTransport>(std::move(server));
}

}  // namespace hyperoru::test
