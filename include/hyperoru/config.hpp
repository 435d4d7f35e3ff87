#pragma once
/// The config file: named contexts, each a base URL and a session token.
///
/// Location: $HYPERORU_CONFIG_DIR/config.json, else $XDG_CONFIG_HOME/hyperoru/config.json,
/// else ~/.config/hyperoru/config.json. The directory is 0700 and the file 0600 whatever the
/// umask. Writes go to a temp file in the same directory, are fsynced and renamed over the old
/// file, under an exclusive lock, so concurrent writers never lose each other's changes and a
/// crash never leaves half a file. A corrupt file is reported with its path and never
/// overwritten. Keys the client does not know are kept as they are.
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace hyperoru {

/// One named context of the config file: the server it talks to and the login made there.
struct ContextConfig {
    std::optional<std::string> base_url;
    std::optional<std::string> session_token;
    std::optional<std::string> email;
    std::optional<std::string> username;
    std::optional<std::string> expires_at;  ///< as the server sent it
    std::optional<std::string> issued_at;   ///< UTC, ISO 8601, when the client logged in
    /// UTC, ISO 8601: when the server last answered 401 to this token ("token_rejected_at");
    /// cleared by the next login.
    std::optional<std::string> token_rejected_at;
};

/// The whole config file: the current context's name and every context by name.
struct Config {
    std::optional<std::string> current_context;
    std::map<std::string, ContextConfig> contexts;
};

/// Looks up an environment variable; returns nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;

/// The config directory per the lookup order above. Throws ConfigError when neither
/// HYPERORU_CONFIG_DIR, XDG_CONFIG_HOME nor HOME is set.
std::filesystem::path config_directory(const EnvLookup& env);

/// Reads and atomically rewrites config.json in one directory (see the file comment).
class ConfigStore {
public:
    /// `directory` need not exist yet; update() creates it with mode 0700.
    explicit ConfigStore(std::filesystem::path directory);

    const std::filesystem::path& directory() const noexcept { return m_directory; }
    std::filesystem::path file() const { return m_directory / "config.json"; }

    /// Reads the file. A missing file is an empty Config. Throws ConfigError naming the path
    /// when the file is unreadable or not a valid config document.
    Config load() const;

    /// Under the lock: reads the current file (throwing ConfigError if corrupt, leaving it
    /// untouched), lets `edit` change it, and writes it back atomically with 0600 permissions,
    /// creating the directory with 0700 if needed. Throws ConfigError when writing fails; the old
    /// file is then intact and no temp file is left behind.
    void update(const std::function<void(Config&)>& edit);

private:
    std::filesystem::path m_directory;
};

}  // namespace hyperoru
