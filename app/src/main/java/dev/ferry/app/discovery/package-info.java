/**
 * Database discovery, UI-free: RDS instances, Aurora clusters (writer and reader endpoints),
 * Redshift clusters and Redshift Serverless workgroups found by the matchers of a workspace's
 * {@code discovery:} list, in every account and region they name.
 *
 * <p>How the pieces fit (one set per open workspace, built by the composition root):
 * <pre>
 *   List&lt;DiscoveryMatcher&gt; matchers = DiscoveryMatchers.parse(file, node, "/discovery", locator::lineOf, region)
 *   ScanAccounts accounts = new StsScanAccounts(awsSetup, workspaceUser, identityCenterRoleNames)   // role_name: Identity Center
 *   DatabaseScanner scanner = new DatabaseScanner(awsSetup, accounts, ScanOptions.DEFAULT, clock)
 *   DiscoveryCache cache = new DiscoveryCache(DiscoveryCache.fileFor(paths, name, source), ServingRules.CURRENT)
 *   DiscoveryService discovery = new DiscoveryService(scanner, cache, matchers, "profile " + profile, clock)
 *   discovery.latest()                 // the cached list at once
 *   discovery.refresh()                // a ScanRun: progress(), cancel(), result()
 *   discovery.refreshEvery(interval)   // background refresh (interval from settings)
 *   new DatabaseMerge(ServingRules.CURRENT).merge(fileDatabases, result.databases(), roles)
 * </pre>
 * Marks ("cannot be served, because …") stay beside each database ({@link
 * dev.ferry.app.discovery.DiscoveredDatabase#unavailableReason()}, {@link
 * dev.ferry.app.discovery.ListedDatabase#unavailableReason()}), decided in one place,
 * {@link dev.ferry.app.discovery.ServingRules}.
 */
package dev.ferry.app.discovery;
