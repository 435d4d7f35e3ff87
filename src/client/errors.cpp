#include "hyperoru/errors.hpp"

#include <utility>

namespace hyperoru {

ApiError::ApiError(long status, ErrorBody body, int attempts)
    : Error(body.message), m_status(status), m_body(std::move(body)), m_attempts(attempts) {}

TransportError::TransportError(http::FailureKind kind, const std::string& message, int attempts)
    : Error(message), m_kind(kind), m_attempts(attempts) {}

StreamError::StreamError(Kind kind, ErrorBody body)
    : Error(body.message), m_kind(kind), m_body(std::move(body)) {}

}  // namespace hyperoru
