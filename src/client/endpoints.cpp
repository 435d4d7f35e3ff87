#include "hyperoru/endpoints.hpp"

#include "hyperoru/client.hpp"
#include "hyperoru/errors.hpp"

namespace hyperoru::api {

const std::vector<const Endpoint*>& all() {
#define HYPERORU_ENDPOINT_ADDRESS(id, name, method, path, auth, body) &id,
    static const std::vector<const Endpoint*> endpoints{HYPERORU_API_ENDPOINTS(HYPERORU_ENDPOINT_ADDRESS)};
#undef HYPERORU_ENDPOINT_ADDRESS
    return endpoints;
}

const Endpoint* find(std::string_view name) {
    for (const Endpoint* endpoint : all()) {
        if (endpoint->name == name) return endpoint;
    }
    return nullptr;
}

std::vector<std::string> path_parameters(const Endpoint& endpoint) {
    std::vector<std::string> names;
    const std::string_view path = endpoint.path;
    for (std::size_t open = path.find('{'); open != std::string_view::npos; open = path.find('{', open)) {
        const std::size_t close = path.find('}', open);
        names.emplace_back(path.substr(open + 1, close - open - 1));
        open = close;
    }
    return names;
}

std::string expand_path(const Endpoint& endpoint, const std::vector<std::string>& args) {
    const std::string_view path = endpoint.path;
    std::string out;
    std::size_t next_arg = 0;
    std::size_t position = 0;
    for (std::size_t open = path.find('{'); open != std::string_view::npos; open = path.find('{', position)) {
        const std::size_t close = path.find('}', open);
        const std::string_view name = path.substr(open + 1, close - open - 1);
        if (next_arg >= args.size()) {
            throw UsageError(std::string(endpoint.name) + ": missing " + std::string(name));
        }
        if (args[next_arg].empty())
            throw UsageError(std::string(endpoint.name) + ": empty " + std::string(name));
        out.append(path.substr(position, open - position));
        out += percent_encode(args[next_arg++]);  // "../x" or "a/b" can never change the route
        position = close + 1;
    }
    if (next_arg != args.size()) {
        throw UsageError(std::string(endpoint.name) + ": takes " + std::to_string(next_arg) +
                         " path argument(s)");
    }
    out.append(path.substr(position));
    return out;
}

}  // namespace hyperoru::api
