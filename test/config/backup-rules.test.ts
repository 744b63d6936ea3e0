import { loadedPlan } from '../helpers/plan';

describe('backup plan rules', () => {
  test('the example plan is valid and gets the documented defaults', () => {
    const { plan } = loadedPlan();
    expect(plan.backup.vaultLock).toEqual({ mode: 'governance', minRetentionDays: 7, maxRetentionDays: 365, changeableForDays: 3 });
    expect(plan.backup.sentinelIntervalMinutes).toBe(5);
    expect(plan.backup.validationWindowHours).toBe(2);
    expect(plan.backup.copyToAccount).toBeUndefined();
  });

  test('retention below the vault lock minimum', () => {
    expect(() => loadedPlan({ backup: { retentionDays: 5 } })).toThrow(/backup\.retentionDays: must be within the vault lock's retention range 7-365 days, got 5/);
  });

  test('retention above the vault lock maximum', () => {
    expect(() => loadedPlan({ backup: { retentionDays: 400, vaultLock: { maxRetentionDays: 90 } } })).toThrow(/backup\.retentionDays: must be within the vault lock's retention range 7-90 days, got 400/);
  });

  test('lock maximum below minimum', () => {
    expect(() => loadedPlan({ backup: { vaultLock: { minRetentionDays: 30, maxRetentionDays: 20 } } })).toThrow(
      /backup\.vaultLock\.maxRetentionDays: must be at least backup\.vaultLock\.minRetentionDays \(30\), got 20/,
    );
  });

  test('selection window longer than retention', () => {
    expect(() => loadedPlan({ backup: { restoreTestSelectionWindowDays: 40 } })).toThrow(/backup\.restoreTestSelectionWindowDays: must not exceed backup\.retentionDays \(35\), got 40/);
  });

  test('sentinel written less often than the RPO', () => {
    expect(() => loadedPlan({ backup: { sentinelIntervalMinutes: 30 } })).toThrow(/backup\.sentinelIntervalMinutes: must not exceed objectives\.rpoMinutes \(15\), got 30/);
  });

  test('cross-account vault in a different account than named', () => {
    expect(() =>
      loadedPlan({ backup: { copyToAccount: { accountId: '210987654321', vaultArn: 'arn:aws:backup:ap-southeast-1:111111111111:backup-vault:offsite' } } }),
    ).toThrow(/backup\.copyToAccount\.vaultArn: is in account 111111111111, not backup\.copyToAccount\.accountId \(210987654321\)/);
  });

  test('cross-account copy into the deploying account', () => {
    expect(() =>
      loadedPlan({ account: '210987654321', backup: { copyToAccount: { accountId: '210987654321', vaultArn: 'arn:aws:backup:ap-southeast-1:210987654321:backup-vault:offsite' } } }),
    ).toThrow(/backup\.copyToAccount\.accountId: must differ from account \(210987654321\)/);
  });

  test('schema: compliance grace below 3 days, unknown lock mode, malformed vault ARN', () => {
    expect(() => loadedPlan({ backup: { vaultLock: { changeableForDays: 2 } } })).toThrow(/backup\.vaultLock\.changeableForDays/);
    expect(() => loadedPlan({ backup: { vaultLock: { mode: 'strict' as never } } })).toThrow(/backup\.vaultLock\.mode/);
    expect(() => loadedPlan({ backup: { copyToAccount: { accountId: '210987654321', vaultArn: 'offsite' } } })).toThrow(/backup\.copyToAccount\.vaultArn: must be a backup vault ARN/);
  });
});
