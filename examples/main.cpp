// hyperoru_example: logs in, lists your AI traders (accounts) and prints the BTC price, with the
// hyperoru C++ library.
//
//   hyperoru_example [BASE_URL [EMAIL]] < password
//
// BASE_URL and EMAIL default to $HYPERORU_BASE_URL and $HYPERORU_EMAIL. The password is read
// from standard input, never taken as an argument: arguments are visible to every user in `ps`
// and end up in shell history. Against the offline sandbox (`hyperoru-sandbox --port 8080`):
//
//   echo secret | hyperoru_example http://127.0.0.1:8080 trader@example.com
#include <cstdlib>
#include <iostream>
#include <string>

#include <hyperoru/client.hpp>      // Client, ClientOptions, Credentials
#include <hyperoru/errors.hpp>      // hyperoru::Error, the base of every error the library throws
#include <hyperoru/exact_json.hpp>  // json::parse, which keeps numbers exactly as sent
#include <hyperoru/http.hpp>        // GlobalInit, make_curl_transport

namespace {

std::string argument_or_environment(int argc, char** argv, int index, const char* variable) {
    if (index < argc) return argv[index];
    const char* value = std::getenv(variable);
    return value != nullptr ? value : "";
}

}  // namespace

int main(int argc, char** argv) {
    const std::string base_url = argument_or_environment(argc, argv, 1, "HYPERORU_BASE_URL");
    const std::string email = argument_or_environment(argc, argv, 2, "HYPERORU_EMAIL");
    if (argc > 3 || base_url.empty() || email.empty()) {
        std::cerr << "usage: hyperoru_example [BASE_URL [EMAIL]] < password\n";
        return 2;
    }
    std::string password;
    if (!std::getline(std::cin, password)) {
        std::cerr << "hyperoru_example: no password on standard input\n";
        return 2;
    }

    const hyperoru::http::GlobalInit curl;  // once per process, before any transport
    try {
        // Logging in needs no token; the reply carries the session token for every other call,
        // which set_token hands to this same client (and its connection).
        hyperoru::ClientOptions options;
        options.base_url = base_url;
        hyperoru::Client client(options, hyperoru::http::make_curl_transport({}));
        const auto login =
            client.login({.by = hyperoru::Credentials::By::email, .login = email, .password = password});
        client.set_token(login.value.session_token);
        const auto& user = login.value.user;
        std::cout << "Logged in as " << (user && user->username ? *user->username : email) << "\n";

        // Each call returns the decoded model (.value) and the raw reply (.raw).
        const auto accounts = client.list_accounts();
        std::cout << "Accounts: " << accounts.value.size() << "\n";
        for (const auto& account : accounts.value) {
            std::cout << "  " << (account.id ? account.id->text : "-") << "  "
                      << account.name.value_or("(no name)") << "\n";
        }

        // Price::price is a double, for computing. To show the price as the server wrote it
        // ("67012.50", not 67012.5), read the raw body with the exact JSON parser.
        const auto price = client.price("BTC");
        const auto body = hyperoru::json::parse(price.raw.body);
        const auto* exact = body.find("price");
        std::cout << "BTC price: " << (exact != nullptr ? exact->text() : "unknown") << "\n";
    } catch (const hyperoru::Error& e) {  // ApiError (an HTTP status), TransportError (network), ...
        std::cerr << "hyperoru_example: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
