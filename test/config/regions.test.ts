import { RegionInfo } from 'aws-cdk-lib/region-info';
import { KNOWN_REGIONS } from '../../lib/config/regions';

test('the region list plan validation uses is the one aws-cdk-lib knows (refresh lib/config/regions.ts from RegionInfo.regions when this fails)', () => {
  expect([...KNOWN_REGIONS]).toEqual(RegionInfo.regions.map((r) => r.name).sort());
});
