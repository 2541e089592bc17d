import ArgumentParser

/// `grow-head storage …`: the project's object storage from the command line.
struct StorageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storage",
        abstract: "Work with S3 object storage: grant Sentinel Hub access, list, copy.",
        discussion: """
            Credentials and the endpoint come from the usual AWS places: AWS_ACCESS_KEY_ID and \
            AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or a profile in ~/.aws/credentials \
            (AWS_PROFILE or --profile), AWS_REGION, AWS_ENDPOINT_URL. The options below win over \
            all of them. On CDSE:

              export AWS_ENDPOINT_URL=https://s3.waw3-1.cloudferro.com AWS_REGION=waw3-1
              grow-head storage ls s3://my-container/project

            More in docs/storage.md.
            """,
        subcommands: [StorageGrantCommand.self, StorageListCommand.self, StorageCopyCommand.self]
    )
}
