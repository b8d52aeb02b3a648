#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The value of the environment variable `name`, or nil when it is not set. Read with getenv, not
/// `ProcessInfo.processInfo.environment`, which copies the whole environment into a dictionary: that
/// dictionary, the first of its type in a process, made the Swift runtime search the static binary's
/// protocol conformances, about 0.3 ms of every `zoo` command's start.
package func environmentVariable(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
