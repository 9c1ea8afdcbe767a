/** The issuer refused the card; trying again will not change that. */
export class CardDeclinedError extends Error {
  constructor() {
    super('the card was declined by its issuer');
    this.name = 'CardDeclinedError';
  }
}

/** The gateway's fraud check flagged a charge it had already captured. */
export class FraudSuspectedError extends Error {
  constructor(readonly chargeId: string) {
    super(`charge ${chargeId} was flagged by the fraud check`);
    this.name = 'FraudSuspectedError';
  }
}

/** The gateway did not answer; a later attempt may get through. */
export class GatewayUnavailableError extends Error {
  constructor() {
    super('the payment gateway is unreachable');
    this.name = 'GatewayUnavailableError';
  }
}
