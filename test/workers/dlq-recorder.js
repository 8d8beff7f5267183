// An auxiliary Worker of the workerd tests: it consumes the dead-letter queue and
// the contract queue and records each message in KV, where the tests read it.
export default {
  async queue(batch, env) {
    for (const message of batch.messages) {
      await env.RECEIVED.put(`${batch.queue}/${message.id}`, JSON.stringify(message.body));
      message.ack();
    }
  },
};
