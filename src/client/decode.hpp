#pragma once
// The one entry point through which server bodies become nlohmann::json for typed models.
// Exact display goes through hyperoru/exact_json.hpp instead; both enforce the same depth cap.
#include <string_view>

#include <nlohmann/json.hpp>

namespace hyperoru {

/// Parses a response body. Throws DecodeError on invalid JSON or nesting deeper than
/// json::Limits{}.max_depth. (The size cap is enforced earlier, by the transport.)
nlohmann::json parse_json(std::string_view text);

}  // namespace hyperoru
