#pragma once
// Writing a file atomically: the content goes to a temporary file in the same
// directory, is flushed to disk, and is renamed over the target. Readers see the old
// file or the complete new one, never a part; on any failure the temporary file is
// removed and the target is untouched. A target that is not a regular file (/dev/null,
// /dev/stdout, a FIFO) is written in place instead, never replaced (secrets excepted:
// they always go to a regular file).

#include <filesystem>
#include <string_view>

namespace ddd::bot {

// Throws std::runtime_error naming the file and the reason (missing directory,
// permissions, disk full).
void writeFileAtomically(const std::filesystem::path& target, std::string_view content);
// The same, readable by the owner only (mode 0600 from the first byte): keys, secrets.
// Refuses a target that is not a regular file.
void writeSecretFileAtomically(const std::filesystem::path& target, std::string_view content);

}  // namespace ddd::bot
