// Swift 6.3.1 -O miscompile, reduced from Newsletter.fetchAll (issue 9): an async closure whose
// result is returned indirectly (here through Task, in the app through a TaskGroup child) and
// that returns (index, …) from both the `do` and the `catch` branch never stores `index` on
// the success path. The caller reads whatever the result buffer held before (0 from fresh
// memory, stale pointers from reused memory).
//
//   swiftc -O -parse-as-library main.swift -o /tmp/m && /tmp/m     # BAD: index 0, expected 42
//   swiftc -Onone -parse-as-library main.swift -o /tmp/m && /tmp/m # ok
@inline(never)
func work(_ index: Int) async throws -> Int {
    if index < 0 { throw CancellationError() }
    return index
}

@main
struct Main {
    static func main() async {
        let index = CommandLine.arguments.count + 41
        let pair = await Task { () async -> (Int, Int?) in
            do {
                return (index, try await work(index))
            } catch {
                return (index, nil)
            }
        }.value
        print(pair.0 == index ? "ok" : "BAD: index \(pair.0), expected \(index)")
    }
}
