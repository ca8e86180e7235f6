net.listen('127.0.0.1', 53803, { kind = 'dns' })
cache.size = 10 * MB
trust_anchors.remove('.')
trust_anchors.add('example.com. 3600 IN DNSKEY 256 3 13 c8N6PjtiImR32uvSGIlwZnkeSaQhfyIqLxFvun5mkMhRtvhc/49zglnMRVMV0EWyAuxZVPUnMXgUuEEN9dPC2g==')
policy.add(policy.suffix(policy.FORWARD('127.0.0.1@53801'), { todname('example.com.') }))
